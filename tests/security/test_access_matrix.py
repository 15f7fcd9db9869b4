"""Every URL and socket for an anonymous user, the call's agent, another agent, a supervisor."""

from __future__ import annotations

import json
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import path

from sessions_app import tickets
from sessions_app.routing import websocket_urlpatterns
from tests.aftercall.factories import ended_call, with_transcript
from tests.conftest import client_for, signed_in

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "owner", "other", "supervisor")
# method, path ({id} is the owner's ended call), expected status per role in ROLES order
MATRIX = [
    ("get", "/", (302, 200, 200, 200)),
    ("get", "/sessions/", (302, 200, 200, 200)),
    ("get", "/sessions/{id}/", (302, 200, 404, 200)),
    ("get", "/sessions/{id}/transcript.txt", (302, 200, 404, 200)),
    ("get", "/sessions/{id}/transcript.vtt", (302, 200, 404, 200)),
    ("get", "/sessions/{id}/transcript.json", (302, 200, 404, 200)),
    ("get", "/api/sessions/{id}", (401, 200, 404, 200)),
    ("get", "/api/sessions/{id}/events", (401, 200, 404, 200)),
    ("post", "/api/sessions/{id}/stream", (401, 409, 404, 403)),
    ("post", "/api/sessions/{id}/end", (401, 200, 404, 200)),
    ("post", "/api/sessions/{id}/analysis", (401, 202, 404, 202)),
    ("post", "/api/sessions", (401, 201, 201, 201)),
    ("get", f"/recordings/{uuid.uuid4()}/audio", (404, 404, 404, 404)),
    ("get", "/supervisor/", (302, 403, 403, 200)),
    ("get", "/supervisor/socket", (403, 403, 403, 200)),
    ("get", "/admin/", (302, 302, 302, 200)),
    ("get", "/admin/sessions_app/callsession/", (302, 302, 302, 200)),
    ("get", "/healthz", (200, 200, 200, 200)),
]


@pytest.fixture
def call(sandbox, alice):
    upstream = sandbox.call("POST", "sessions", json={"mode": "ai_agent"}).json()
    sandbox.call("POST", f"sessions/{upstream['id']}/end")
    return with_transcript(ended_call(alice, kallglot_id=upstream["id"]))


@pytest.fixture
def clients(alice, bob, charlie) -> dict[str, Client]:
    return {
        "anonymous": Client(),
        "owner": client_for(alice),
        "other": client_for(bob),
        "supervisor": client_for(charlie),
    }


@pytest.mark.parametrize(("method", "url", "expected"), MATRIX)
def test_the_access_matrix(call, clients, method, url, expected):
    target = url.format(id=call.public_id)
    body = json.dumps({"mode": "ai_agent"}) if method == "post" else None
    got = tuple(
        getattr(clients[role], method)(target, body, content_type="application/json").status_code
        if body
        else getattr(clients[role], method)(target).status_code
        for role in ROLES
    )

    assert got == expected


application = URLRouter([path("ws/", URLRouter(websocket_urlpatterns))])


def socket_opens(url: str) -> bool:
    async def attempt() -> bool:
        communicator = WebsocketCommunicator(application, url)
        await communicator.connect()
        first = await communicator.receive_output(timeout=2)
        await communicator.disconnect()
        return first["type"] == "websocket.send"

    return async_to_sync(attempt)()


@pytest.mark.django_db(transaction=True)
def test_the_socket_matrix(alice, bob, charlie):
    call = ended_call(alice)
    users = {"owner": alice, "other": bob, "supervisor": charlie}

    status = {
        role: socket_opens(tickets.status_socket(signed_in(u), str(call.public_id)))
        for role, u in users.items()
    }
    board = {
        role: socket_opens(f"/ws/supervisor/?ticket={tickets.issue(signed_in(u), 'board')}")
        for role, u in users.items()
    }

    assert status == {"owner": True, "other": False, "supervisor": True}
    assert board == {"owner": False, "other": False, "supervisor": True}
    assert not socket_opens(f"/ws/sessions/{call.public_id}/")
    assert not socket_opens("/ws/supervisor/")
