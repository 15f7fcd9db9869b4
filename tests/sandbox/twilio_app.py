"""A fake contact-centre app on a real socket: what the Twilio stand-in calls.

It checks every request's `X-Twilio-Signature` with the official `twilio` package (Twilio's own
algorithm, not the sandbox's code), records it, and answers the voice webhook the way flow 1
does: it creates a session at the sandbox on the centre's Twilio connection and answers TwiML
built with `VoiceResponse` that connects the call to the session's stream. Tests swap `answer`
for other TwiML (`connect_to(session)` for an outbound call's), or queue statuses for the
status callbacks. GET requests (an outbound call's `Method=GET`) are checked as Twilio signs
them: the whole URL, no form fields.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

AUTH_TOKEN = "twilio-test-auth-token-0123456789ab"
CONNECTION = "pcon_sandbox_twilio"
GREETING = "Thank you for calling. Please hold while we connect you."
SORRY = "Sorry, nobody can take your call right now. Please call again later."
VOICE_PATH, STATUS_PATH = "/telephony/twilio/voice", "/telephony/twilio/status"


@dataclass
class TwilioRequest:
    path: str  # without the query string
    headers: dict[str, str]
    params: dict[str, str]  # a POST's form, a GET's query
    signed: bool  # the signature validated with the app's auth token
    method: str = "POST"
    query: str = ""

    @property
    def status(self) -> str:
        return self.params.get("CallStatus", "")


Answer = Callable[["FakeTwilioApp", dict[str, str]], "str | tuple[int, str]"]


@dataclass
class FakeTwilioApp:
    sandbox_base: str
    api_key: str
    url: str = ""
    answer: Answer | None = None  # None: connect to a new session (connect_to_new_session)
    status_codes: list[int] = field(default_factory=list)  # for status callbacks, then 200
    requests: list[TwilioRequest] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Condition = field(default_factory=threading.Condition)

    @property
    def voice_url(self) -> str:
        return self.url + VOICE_PATH

    @property
    def status_url(self) -> str:
        return self.url + STATUS_PATH

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, str]:
        path, query = urlsplit(target).path, urlsplit(target).query
        form = dict(parse_qsl(body.decode(), keep_blank_values=True))
        signature = headers.get("x-twilio-signature", "")
        signed = RequestValidator(AUTH_TOKEN).validate(self.url + target, form, signature)
        params = dict(parse_qsl(query, keep_blank_values=True)) if method == "GET" else form
        with self.lock:
            self.requests.append(TwilioRequest(path, headers, params, signed, method, query))
            self.lock.notify_all()
        if not signed:
            return 403, ""
        if path == VOICE_PATH:
            answer = (self.answer or connect_to_new_session)(self, params)
            return answer if isinstance(answer, tuple) else (200, answer)
        with self.lock:
            return (self.status_codes.pop(0) if self.status_codes else 200), ""

    def create_session(self, caller: str) -> dict[str, Any]:
        """What the app does on a voice webhook: a session on its Twilio connection."""
        response = httpx.post(
            f"{self.sandbox_base}/sessions",
            headers={"Authorization": f"Bearer {self.api_key}"},
            json={
                "mode": "bidirectional_translation",
                "routing": {"connection_id": CONNECTION, "direction": "inbound"},
                "metadata": {"caller": caller},
            },
            timeout=10,
        )
        assert response.status_code == 201, response.text
        with self.lock:
            self.sessions.append(response.json())
        return response.json()

    def wait_for(
        self, done: Callable[[list[TwilioRequest]], bool], timeout: float = 8.0
    ) -> list[TwilioRequest]:
        with self.lock:
            assert self.lock.wait_for(lambda: done(self.requests), timeout), (
                f"timed out; got {[(r.path, r.status) for r in self.requests]}"
            )
            return list(self.requests)

    def voice_webhooks(self, count: int = 1) -> list[TwilioRequest]:
        got = self.wait_for(lambda got: sum(r.path == VOICE_PATH for r in got) >= count)
        return [r for r in got if r.path == VOICE_PATH]

    def status_callbacks(self, *, until: str, timeout: float = 8.0) -> list[TwilioRequest]:
        """The status callbacks, once one with CallStatus `until` has come."""
        got = self.wait_for(
            lambda got: any(r.path == STATUS_PATH and r.status == until for r in got), timeout
        )
        return [r for r in got if r.path == STATUS_PATH]


def stream_twiml(url: str, token: str, greeting: str | None = GREETING) -> str:
    response = VoiceResponse()
    if greeting is not None:
        response.say(greeting)
    response.connect().stream(url=url).parameter(name="token", value=token)
    return str(response)


def connect_to(session: dict[str, Any], greeting: str | None = None) -> Answer:
    """The answer that connects a call to this session's stream (an outbound call's TwiML)."""

    def answer(app: FakeTwilioApp, params: dict[str, str]) -> str:
        return stream_twiml(session["stream"]["url"], session["stream"]["token"], greeting)

    return answer


def connect_to_new_session(app: FakeTwilioApp, params: dict[str, str]) -> str:
    session = app.create_session(params["From"])
    return stream_twiml(session["stream"]["url"], session["stream"]["token"])


def turn_away(app: FakeTwilioApp, params: dict[str, str]) -> str:
    """The app's answer when the line cannot take the call now."""
    response = VoiceResponse()
    response.say(SORRY)
    response.hangup()
    return str(response)


def serve_app(app: FakeTwilioApp) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.do_POST()

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {key.lower(): value for key, value in self.headers.items()}
            status, text = app.handle(self.command, self.path, headers, body)
            payload = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/xml" if payload else "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            # A caller who hung up before the answer came: Twilio stopped listening.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # server_close() waits for requests in hand: a voice webhook still being answered must not
    # create its session at the sandbox after the test's reset, in the next test.
    server.daemon_threads, server.block_on_close = False, True
    app.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server
