"""Status and board tickets die with the sign-in that issued them: after signing out, the
ticket opens no socket, and the sockets it opened are closed."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import path

from sessions_app.models import CallSession
from sessions_app.routing import websocket_urlpatterns
from tests.conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)

application = URLRouter([path("ws/", URLRouter(websocket_urlpatterns))])
REFUSED = {"type": "websocket.close", "code": 4401}


@pytest.fixture
def call(alice) -> CallSession:
    return CallSession.objects.create(kallglot_id="sess_OUT1", agent=alice, mode="ai_agent")


# The ORM stays off the event loop: clients sign in and talk to the app in a thread.
signed_in_client = sync_to_async(client_for)


@sync_to_async
def status_socket_of(client, call: CallSession) -> str:
    return client.get(f"/api/sessions/{call.public_id}").json()["status_socket"]


@sync_to_async
def board_socket_of(client) -> str:
    return client.get("/supervisor/socket").json()["socket"]


@sync_to_async
def sign_out(client) -> None:
    assert client.post("/accounts/logout/").status_code == 302


async def opened(socket_path: str) -> tuple[WebsocketCommunicator, dict]:
    communicator = WebsocketCommunicator(application, socket_path)
    assert (await communicator.connect())[0]
    return communicator, await communicator.receive_output(timeout=2)


async def test_a_status_ticket_opens_no_socket_after_sign_out(alice, call):
    client = await signed_in_client(alice)
    socket_path = await status_socket_of(client, call)
    before, first = await opened(socket_path)
    assert first["type"] == "websocket.send"
    await before.disconnect()

    await sign_out(client)

    _, first = await opened(socket_path)
    assert first == REFUSED


async def test_a_board_ticket_opens_no_socket_after_sign_out(charlie):
    client = await signed_in_client(charlie)
    socket_path = await board_socket_of(client)
    before, first = await opened(socket_path)
    assert first["type"] == "websocket.send"
    await before.disconnect()

    await sign_out(client)

    _, first = await opened(socket_path)
    assert first == REFUSED


async def test_signing_out_closes_the_sockets_the_sign_in_opened(alice, charlie, call):
    agent, supervisor = await signed_in_client(alice), await signed_in_client(charlie)
    status, _ = await opened(await status_socket_of(agent, call))
    board, _ = await opened(await board_socket_of(supervisor))

    await sign_out(agent)
    assert await status.receive_output(timeout=2) == REFUSED
    assert await board.receive_nothing(timeout=0.2)

    await sign_out(supervisor)
    assert await board.receive_output(timeout=2) == REFUSED


async def test_another_sign_in_of_the_same_user_keeps_its_tickets(alice, call):
    here, elsewhere = await signed_in_client(alice), await signed_in_client(alice)
    socket_path = await status_socket_of(here, call)
    open_here, _ = await opened(socket_path)

    await sign_out(elsewhere)

    assert await open_here.receive_nothing(timeout=0.2)
    again, first = await opened(socket_path)
    assert first["type"] == "websocket.send"
    await open_here.disconnect()
    await again.disconnect()
