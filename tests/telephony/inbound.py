"""The cast and props of inbound-call tests: a queue on the centre's own Twilio number,
agents at their desks holding agent sockets, and a simulated caller."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import xml.etree.ElementTree as ET

import httpx
import websockets
from django.conf import settings
from twilio.request_validator import RequestValidator

from sessions_app.models import AgentProfile, Queue, QueuedCall, Route
from tests.conftest import LiveServer, SandboxControl

NUMBER = "+4930901821"  # the centre's own Twilio number (any the sandbox has not taken)
CALLER = "+4915112345678"
VOICE = "/telephony/twilio/voice"
STATUS = "/telephony/twilio/status"


def make_queue(**queue: object) -> Queue:
    route = Route.objects.create(
        label="German line",
        kind=Route.Kind.CONNECTION,
        connection_id="pcon_sandbox_twilio",
        phone_number=NUMBER,
        direction=Route.Direction.INBOUND,
        customer_language="de",
        agent_language="en",
    )
    return Queue.objects.create(route=route, **({"ring_seconds": 5} | queue))


def at_desk(user: object, *, languages: str = "en", since: float = 0.0) -> AgentProfile:
    """An Available agent who speaks `languages`, available since `since` seconds ago."""
    from datetime import timedelta

    from django.utils import timezone

    return AgentProfile.objects.update_or_create(
        user=user,
        defaults={
            "languages": languages,
            "state": AgentProfile.State.AVAILABLE,
            "state_since": timezone.now() - timedelta(seconds=since),
        },
    )[0]


def new_call_sid() -> str:
    return f"CA{secrets.token_hex(16)}"


def voice_form(call_sid: str | None = None, to: str = NUMBER, caller: str = CALLER) -> dict:
    """The form of Twilio's voice webhook for a customer dialling `to`."""
    return {
        "AccountSid": "AC5a4db0c55a4db0c55a4db0c55a4db0c5",
        "ApiVersion": "2010-04-01",
        "CallSid": call_sid or new_call_sid(),
        "CallStatus": "ringing",
        "Called": to,
        "Caller": caller,
        "Direction": "inbound",
        "From": caller,
        "To": to,
    }


def status_form(call_sid: str, status: str, sequence: int = 0) -> dict:
    """A status callback of Twilio's for the call `call_sid`."""
    form = voice_form(call_sid) | {"CallStatus": status, "SequenceNumber": str(sequence)}
    return form | {"CallbackSource": "call-progress-events"}


def twilio_signature(url: str, form: dict, token: str | None = None) -> str:
    """X-Twilio-Signature as Twilio computes it, with the twilio package's own validator."""
    return RequestValidator(token or settings.TWILIO_AUTH_TOKEN).compute_signature(url, form)


def from_twilio(client: object, path: str, form: dict, **signing: str) -> object:
    """POST `form` to `path` of the in-process app as Twilio would, signed for
    APP_BASE_URL + path (or `url=`) with TWILIO_AUTH_TOKEN (or `token=`)."""
    url = signing.get("url") or f"{settings.APP_BASE_URL}{path}"
    signature = twilio_signature(url, form, signing.get("token"))
    return client.post(path, form, HTTP_X_TWILIO_SIGNATURE=signature)


def live_from_twilio(server: LiveServer, path: str, form: dict) -> httpx.Response:
    """The same against a live server, over HTTP."""
    url = f"{server.url}{path}"
    headers = {"X-Twilio-Signature": twilio_signature(url, form)}
    return httpx.post(url, data=form, headers=headers, timeout=30)


def twiml(response: object) -> ET.Element:
    """The TwiML of a 200 answer (in-process or over HTTP), parsed; its root is <Response>."""
    assert response.status_code == 200, response.content
    assert response.headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - the app under test wrote it
    assert root.tag == "Response"
    return root


def stream_of(root: ET.Element) -> tuple[str, str]:
    """The <Connect><Stream url> of a TwiML answer and its <Parameter name="token"> value."""
    stream = root.find("./Connect/Stream")
    assert stream is not None, ET.tostring(root)
    tokens = [p.get("value") for p in stream.findall("Parameter") if p.get("name") == "token"]
    assert len(tokens) == 1
    return stream.get("url"), tokens[0]


def first_stream_message(url: str, token: str) -> dict:
    """What a session's stream says first to a socket opened with `token`."""

    async def connect() -> dict:
        async with websockets.connect(f"{url}?token={token}") as socket:
            return json.loads(await asyncio.wait_for(socket.recv(), 10))

    return asyncio.run(connect())


def ring(server: LiveServer, to: str = NUMBER, **extra: object) -> dict:
    """A customer dials `to` through the sandbox's Twilio stand-in."""
    control = SandboxControl(server.sandbox_base)
    return control.call("POST", "_control/twilio/calls", json={"to": to} | extra).json()


def queued(server: LiveServer, call_sid: str) -> QueuedCall:
    """The call once the app has answered Twilio: stored, with its session, and dispatched
    (the voice webhook rings an agent, if one can take it, before it answers)."""
    eventually(lambda: twilio_call(server, call_sid)["twiml"])
    return QueuedCall.objects.select_related("session").get(call_sid=call_sid)


def eventually(check, timeout: float = 20.0) -> object:
    """`check()`'s first truthy answer within `timeout` seconds; fails the test otherwise."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"{check} never came true"
        time.sleep(0.1)
    return found


def twilio_call(server: LiveServer, call_sid: str) -> dict:
    return (
        SandboxControl(server.sandbox_base).call("GET", f"_control/twilio/calls/{call_sid}").json()
    )


class Desk:
    """An agent's console page as far as the queues see it: its agent socket, in a thread."""

    def __init__(self, server: LiveServer, client: httpx.Client) -> None:
        self.server, self.client = server, client
        self.messages: list[dict] = []
        self.loop = asyncio.new_event_loop()
        self.socket = None

    def open(self) -> Desk:
        path = self.client.get("/api/agent").json()["socket"]
        self.socket = self.loop.run_until_complete(
            websockets.connect(self.server.ws_url + path, origin=self.server.url)
        )
        self.read(lambda message: message["type"] == "agent")
        return self

    def read(self, wanted, timeout: float = 15.0, since: int = 0) -> dict:
        """The first message (already read or arriving, from the `since`th) `wanted` accepts."""
        for message in self.messages[since:]:
            if wanted(message):
                return message
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                text = self.loop.run_until_complete(
                    asyncio.wait_for(self.socket.recv(), deadline - time.monotonic())
                )
            except TimeoutError:
                break
            message = json.loads(text)
            self.messages.append(message)
            if wanted(message):
                return message
        raise AssertionError(f"no such message; got {self.messages}")

    def offer(self, timeout: float = 15.0) -> dict:
        return self.read(lambda m: m["type"] == "agent" and m.get("offer"), timeout)["offer"]

    def offered(self, call: QueuedCall, timeout: float = 15.0) -> dict:
        """The offer of `call` (an earlier call's offer does not count)."""
        wanted = str(call.public_id)
        return self.read(lambda m: (m.get("offer") or {}).get("id") == wanted, timeout)["offer"]

    def told(self, wanted, timeout: float = 15.0) -> dict:
        """The first state message after the last offer so far that `wanted` accepts."""
        offers = [index for index, m in enumerate(self.messages) if m.get("offer")]
        since = offers[-1] + 1 if offers else 0
        return self.read(lambda m: m["type"] == "agent" and wanted(m), timeout, since)

    def send(self, message: dict) -> None:
        self.loop.run_until_complete(self.socket.send(json.dumps(message)))

    def close(self) -> None:
        if self.loop.is_closed():  # closed already
            return
        if self.socket is not None:
            self.loop.run_until_complete(self.socket.close())
        self.loop.close()
