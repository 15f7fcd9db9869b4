"""Daphne's requests leave request bodies to Django: Twisted's form parsing is turned off.

Before Daphne sees a POST, Twisted reads its Content-Type with the email package and parses
a body that calls itself a form (urlencoded or multipart) into `request.args`, on the event
loop; Daphne then hands the raw body to Django, which parses it again. Daphne never reads
`args`, so that work is all waste (~7 % of a JSON webhook's CPU: bench/README.md), and two
things go wrong on the way:

- a body labelled multipart that Twisted cannot parse gets Twisted's bare 400 and a closed
  connection, so the API and the webhook endpoint cannot answer with their JSON error;
- a large multipart body stalls the whole worker while Twisted parses it (21 MB: ~0.9 s in
  which no other request or socket of that worker was served; the same bytes as
  `application/octet-stream`: ~0.07 s), and anyone can send one to the webhook URL.

Twisted's `Request` can be told not to (`parsePOSTFormSubmission`, added for this in
twisted/twisted#12412; Twisted pinned in requirements.txt); Daphne 4.2 does not say so, so
every request Daphne makes says it here. This goes when Daphne passes the option itself.
`tests/platform/test_daphne_bodies.py` shows both failures without it.
"""

from __future__ import annotations

import functools

from daphne.http_protocol import WebRequest


def leave_bodies_to_django() -> None:
    if getattr(WebRequest, "leaves_bodies_to_django", False):
        return
    make = WebRequest.__init__

    @functools.wraps(make)
    def __init__(self: WebRequest, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("parsePOSTFormSubmission", False)
        make(self, *args, **kwargs)

    WebRequest.__init__ = __init__
    WebRequest.leaves_bodies_to_django = True
