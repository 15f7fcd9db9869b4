"""The board says which agents have a console open: an agent who opens one is shown online at
once, and one who closed theirs is shown offline once the presence grace has passed (a reload
within it does not flicker)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.urls import path

from sessions_app import tickets
from sessions_app.routing import websocket_urlpatterns
from tests.conftest import signed_in
from tests.supervisors.test_board_socket import board
from tests.telephony.inbound import at_desk

pytestmark = pytest.mark.django_db(transaction=True)

application = URLRouter([path("ws/", URLRouter(websocket_urlpatterns))])


@database_sync_to_async
def agent_ticket(user: object) -> str:
    return tickets.issue(signed_in(user), "agent")


async def console(user: object) -> WebsocketCommunicator:
    """An agent's console page: its agent socket, opened."""
    ticket = await agent_ticket(user)
    communicator = WebsocketCommunicator(application, f"/ws/agent/?ticket={ticket}")
    assert (await communicator.connect())[0]
    assert (await communicator.receive_json_from())["type"] == "agent"
    return communicator


def presence(message: dict) -> dict[str, bool]:
    return {agent["name"]: agent["present"] for agent in message["agents"]}


async def test_an_agent_who_opens_the_console_is_online_at_once(charlie, alice):
    await database_sync_to_async(at_desk)(alice)
    supervisor = await board(charlie)
    assert presence(await supervisor.receive_json_from()) == {"alice": False}

    page = await console(alice)

    assert presence(await supervisor.receive_json_from(timeout=2)) == {"alice": True}
    await page.disconnect()
    await supervisor.disconnect()


async def test_an_agent_who_left_is_offline_once_the_grace_has_passed(charlie, alice, settings):
    settings.AGENT_PRESENCE_GRACE = 1
    await database_sync_to_async(at_desk)(alice)
    page = await console(alice)
    supervisor = await board(charlie)
    assert presence(await supervisor.receive_json_from()) == {"alice": True}

    await page.disconnect()

    assert presence(await supervisor.receive_json_from(timeout=2)) == {"alice": True}
    assert presence(await supervisor.receive_json_from(timeout=5)) == {"alice": False}
    await supervisor.disconnect()
