"""A call on a route sends Kallglot exactly the routing its kind needs, and never a top-level
`provider`; what Kallglot resolved is stored and answered."""

from __future__ import annotations

import json

import httpx
import pytest

from sessions_app.kallglot import KallglotClient, reset_clients, set_client
from sessions_app.models import CallSession, Route
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

ANSWER = {
    "id": "sess_01ROUTED",
    "object": "session",
    "status": "created",
    "mode": "bidirectional_translation",
    "provider": "twilio",
    "phone_number": "+4930901820",
    "stream": {
        "url": "wss://api.kallglot.com/v1/sessions/sess_01ROUTED/connect",
        "token": "kst_test_abc",
        "expires_at": "2026-03-26T12:00:00Z",
    },
    "created_at": "2026-03-26T11:00:00Z",
}
ROUTES = {
    "managed": (
        {"kind": "managed_number", "phone_number": "+4930901820"},
        {"phone_number": "+4930901820"},
    ),
    "connection": (
        {"kind": "connection", "connection_id": "pcon_01HXYZ", "direction": "outbound"},
        {"connection_id": "pcon_01HXYZ", "direction": "outbound"},
    ),
    "sip": (
        {"kind": "sip", "sip_from_uri": "sip:pbx@example.com"},
        {"type": "sip", "sip": {"from_uri": "sip:pbx@example.com"}},
    ),
    "sip, no From": ({"kind": "sip"}, {"type": "sip"}),
}


@pytest.fixture
def upstream():
    bodies: list[dict] = []

    def answer(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(201, json=ANSWER)

    client = KallglotClient(
        api_key="sk_test_mock_key",
        base_url="https://api.kallglot.test/v1",
        transport=httpx.MockTransport(answer),
        max_attempts=1,
    )
    set_client(client)
    yield bodies
    reset_clients()


def start(user, **body: object):
    payload = json.dumps({"mode": "bidirectional_translation"} | body)
    return client_for(user).post("/api/sessions", payload, content_type="application/json")


@pytest.mark.parametrize("kind", ROUTES)
def test_each_kind_sends_its_routing_and_never_a_provider(upstream, alice, kind):
    fields, routing = ROUTES[kind]
    route = Route.objects.create(label=kind, **fields)

    response = start(alice, route=route.pk)

    assert response.status_code == 201
    [body] = upstream
    assert body["routing"] == routing
    assert "provider" not in body


def test_a_browser_only_route_sends_no_routing(upstream, alice):
    Route.objects.create(label="Browser", kind="browser", is_default=True)

    start(alice)

    assert "routing" not in upstream[0]
    assert "provider" not in upstream[0]


def test_the_route_is_named_by_label_and_what_kallglot_resolved_is_kept(upstream, alice):
    Route.objects.create(label="Berlin line", kind="managed_number", phone_number="+4930901820")

    response = start(alice, route="Berlin line")

    body = response.json()
    assert body["route"]["label"] == "Berlin line"
    assert (body["provider"], body["phone_number"], body["customer"]) == (
        "twilio",
        "+4930901820",
        "ringing",
    )
    call = CallSession.objects.get()
    assert (call.provider, call.phone_number, call.route.label) == (
        "twilio",
        "+4930901820",
        "Berlin line",
    )


def test_without_a_route_the_default_one_is_used_with_its_languages(upstream, alice):
    Route.objects.create(
        label="Spanish line",
        kind="managed_number",
        phone_number="+4930901820",
        customer_language="es",
        agent_language="de",
        is_default=True,
    )

    start(alice)

    [body] = upstream
    assert body["routing"] == {"phone_number": "+4930901820"}
    assert (body["source_language"], body["target_language"]) == ("de", "es")


def test_an_unknown_or_inactive_route_is_refused_before_kallglot_is_asked(upstream, alice):
    Route.objects.create(label="Old line", kind="sip", is_active=False)

    for name in ("Nope", "Old line"):
        response = start(alice, route=name)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_route"
        assert response.json()["error"]["param"] == "route"
    assert upstream == []


def test_a_route_kallglot_cannot_resolve_is_named_and_leaves_nothing_open(sandbox, alice):
    Route.objects.create(label="Old US line", kind="managed_number", phone_number="+14155550199")

    response = start(alice, route="Old US line")

    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("route_unavailable", "route")
    assert "“Old US line”" in error["message"]
    assert "+14155550199" in error["message"]
    assert not CallSession.objects.exists()
    assert sandbox.sessions() == []


def test_the_sandbox_resolves_each_demo_route(sandbox, alice):
    from django.core.management import call_command

    call_command("demo_users", stdout=None)
    for route in Route.objects.exclude(kind="browser"):
        body = start(alice, route=route.label).json()
        assert body["provider"] == {"sip": "sip"}.get(route.kind, "twilio"), route.label
