"""TwiML read back as Twilio reads it, for the verbs the Twilio stand-in obeys.

`<Say>`, `<Pause length>`, `<Play>`, `<Hangup/>` and `<Connect><Stream url>` with its
`<Parameter name value>`s. Anything else in a `<Response>` is refused by name, so that an app
relying on a verb the stand-in does not play learns it at once instead of seeing a call that
silently does something else.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field


class TwimlError(Exception):
    """The answer is not TwiML the stand-in can obey; the message says why."""


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Pause:
    seconds: int


@dataclass(frozen=True)
class Play:
    url: str


@dataclass(frozen=True)
class Hangup:
    pass


@dataclass(frozen=True)
class Stream:
    """`<Connect><Stream url>`: the call's audio goes to a WebSocket, with custom parameters."""

    url: str
    parameters: dict[str, str] = field(default_factory=dict)


Verb = Say | Pause | Play | Hangup | Stream


def parse(text: str) -> list[Verb]:
    """The verbs of a `<Response>` document, in order."""
    try:
        root = ET.fromstring(text)  # noqa: S314 - the app under test wrote it
    except ET.ParseError as exc:
        raise TwimlError(f"the answer is not XML ({exc})") from None
    if root.tag != "Response":
        raise TwimlError(f"the root element is <{root.tag}>, not <Response>")
    return [_verb(element) for element in root]


def _verb(element: ET.Element) -> Verb:
    if element.tag == "Say":
        return Say(" ".join("".join(element.itertext()).split()))
    if element.tag == "Pause":
        return Pause(_length(element.get("length", "1")))
    if element.tag == "Play":
        return Play((element.text or "").strip())
    if element.tag == "Hangup":
        return Hangup()
    if element.tag == "Connect":
        return _connect(element)
    raise TwimlError(f"the Twilio stand-in does not obey <{element.tag}>")


def _length(value: str) -> int:
    if not value.isdigit():
        raise TwimlError(f"<Pause length={value!r}> is not a whole number of seconds")
    return int(value)


def _connect(element: ET.Element) -> Stream:
    nouns = list(element)
    if len(nouns) != 1 or nouns[0].tag != "Stream":
        found = ", ".join(f"<{noun.tag}>" for noun in nouns) or "nothing"
        raise TwimlError(f"<Connect> must hold one <Stream>, not {found}")
    stream = nouns[0]
    url = (stream.get("url") or "").strip()
    if not url:
        raise TwimlError("<Stream> has no url")
    parameters = {}
    for parameter in stream.iter("Parameter"):
        name = parameter.get("name")
        if not name:
            raise TwimlError("a <Parameter> of <Stream> has no name")
        parameters[name] = parameter.get("value", "")
    return Stream(url, parameters)
