"""TWILIO_AUTH_TOKEN only checks signatures: no page, answer or socket message of an inbound
call shows it, to the agent or to a supervisor (the server's log is scanned when it stops)."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.live_agents import signed_in
from tests.telephony.inbound import at_desk, make_queue, queued, ring, twilio_call

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_page_answer_or_message_of_an_inbound_call_shows_the_token(
    server, upstream, desk, alice, charlie
):
    token = settings.TWILIO_AUTH_TOKEN
    assert len(token) >= 16
    make_queue(greeting="Willkommen.")
    at_desk(alice)
    alices = desk(alice)
    call = queued(server, ring(server)["call_sid"])
    offer = alices.offered(call)
    accepted = alices.client.post(f"/api/offers/{offer['id']}/accept")
    session_id = accepted.json()["id"]
    supervisor = signed_in(server, charlie)

    seen = [
        accepted,
        alices.client.get("/"),
        alices.client.get("/api/agent"),
        alices.client.get(f"/api/sessions/{session_id}"),
        alices.client.get(f"/sessions/{session_id}/"),
        supervisor.get("/supervisor/"),
        upstream.call("GET", "_control/config"),
    ]

    assert [r.status_code for r in seen if r.status_code != 200] == [], [str(r.url) for r in seen]
    texts = [f"{response.headers}\n{response.text}" for response in seen]
    texts += [str(message) for message in alices.messages]
    texts.append(str(twilio_call(server, call.call_sid)))
    assert [index for index, text in enumerate(texts) if token in text] == []
