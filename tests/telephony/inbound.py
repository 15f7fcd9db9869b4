"""The cast and props of inbound-call tests: a queue on the centre's own Twilio number,
agents at their desks holding agent sockets, and a simulated caller."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import websockets

from sessions_app.models import AgentProfile, Queue, Route
from tests.conftest import LiveServer, SandboxControl

NUMBER = "+4930901821"  # the centre's own Twilio number (any the sandbox has not taken)


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


def ring(server: LiveServer, to: str = NUMBER, **extra: object) -> dict:
    """A customer dials `to` through the sandbox's Twilio stand-in."""
    control = SandboxControl(server.sandbox_base)
    return control.call("POST", "_control/twilio/calls", json={"to": to} | extra).json()


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

    def read(self, wanted, timeout: float = 15.0) -> dict:
        """The first message (already read or arriving) that `wanted` accepts."""
        for message in self.messages:
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

    def close(self) -> None:
        if self.socket is not None:
            self.loop.run_until_complete(self.socket.close())
        self.loop.close()
