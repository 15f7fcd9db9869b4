"""Input built to break the parser or the database gets a clear 4xx and loses nothing: deeply
nested JSON, text with a lone surrogate, oversized bodies, and sockets on unknown paths."""

from __future__ import annotations

import json
import logging

import pytest
from channels.testing import WebsocketCommunicator

from sessions_app.models import WebhookEvent
from tests.conftest import client_for
from tests.webhooks.helpers import deliver

pytestmark = pytest.mark.django_db

DEEP = b"[" * 100_000 + b"]" * 100_000


def create(client, body: bytes):
    return client.post("/api/sessions", body, content_type="application/json")


@pytest.mark.parametrize(
    "body",
    [
        DEEP[:60_000],
        json.dumps({"mode": "ai_agent", "metadata": {"a": {"b": [[[[[[[[]]]]]]]]}}}).encode(),
        b'{"mode": "ai_agent", "metadata": {"customer_id": "\\ud800"}}',
        b'{"mode": "ai_agent", "metadata": {"x": "' + b"a" * 70_000 + b'"}}',
    ],
    ids=["100,000 brackets", "nested metadata", "lone surrogate", "oversized"],
)
def test_the_api_refuses_json_it_cannot_use_with_the_envelope(alice, body):
    response = create(client_for(alice), body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("invalid_json", "invalid_metadata")


def test_a_signed_webhook_nested_too_deeply_is_kept_as_failed(client):
    response = deliver(client, DEEP[:200_000])

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"
    stored = WebhookEvent.objects.get()
    assert (stored.event_type, stored.outcome) == ("unreadable", "failed")


def test_a_webhook_whose_id_holds_a_lone_surrogate_is_kept_and_answered_4xx(client):
    body = b'{"id": "evt_\\ud800", "type": "session.started", "data": {}}'

    first, again = deliver(client, body), deliver(client, body)

    assert (first.status_code, again.status_code) == (400, 400)
    stored = WebhookEvent.objects.get()
    assert (stored.outcome, stored.deliveries) == ("failed", 2)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/ws/nothing/", "/nowhere", "/ws/sessions/not-a-uuid/"])
async def test_a_socket_on_an_unknown_path_is_refused_with_a_warning(path, caplog):
    from kallglot_web.routing import websocket_application

    communicator = WebsocketCommunicator(
        websocket_application, path, headers=[(b"origin", b"http://127.0.0.1")]
    )
    with caplog.at_level(logging.WARNING):
        connected, _ = await communicator.connect(timeout=5)

    assert not connected
    assert any("no route for" in record.getMessage() for record in caplog.records)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_status_socket_shrugs_off_a_message_nested_too_deeply(alice):
    from sessions_app.models import CallSession
    from tests.consumers.test_status_socket import opened, ticket_for, url

    session = await CallSession.objects.acreate(kallglot_id="sess_D1", agent=alice, mode="ai_agent")
    ticket = await ticket_for(alice, session)
    communicator = await opened(url(session, ticket))
    await communicator.receive_json_from()  # the snapshot

    await communicator.send_to(text_data="[" * 100_000)
    await communicator.send_json_to({"type": "resume", "after": 0})

    assert await communicator.receive_nothing(timeout=0.3)  # no events yet, still open
    await communicator.disconnect()
