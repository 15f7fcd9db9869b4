"""The cast of PBX-first tests: a SIP route, an integration token for it, and the PBX's
requests to the integrations API."""

from __future__ import annotations

import httpx

from sessions_app import integrations
from sessions_app.models import IntegrationToken, Route

CALLS = "/api/integrations/calls"


def sip_route(label: str = "PBX line", **fields: object) -> Route:
    defaults = {"kind": Route.Kind.SIP, "customer_language": "de", "agent_language": "en"}
    return Route.objects.create(label=label, **(defaults | fields))


def make_token(*routes: Route, name: str = "Berlin PBX") -> tuple[IntegrationToken, str]:
    """A token allowed on `routes`, and its key (as the admin shows it once)."""
    token = IntegrationToken(name=name)
    key = integrations.issue(token)
    token.save()
    token.routes.set(routes)
    return token, key


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def call_body(**fields: object) -> dict:
    return {"route": "PBX line", "caller": "+4930123456", "pbx_call_id": "pbx-1"} | fields


def place(server_url: str, key: str, **fields: object) -> httpx.Response:
    """The PBX asks for a call (over the network, as a PBX does)."""
    return httpx.post(
        f"{server_url}{CALLS}", json=call_body(**fields), headers=auth(key), timeout=30
    )


def end(server_url: str, key: str, call_id: str) -> httpx.Response:
    return httpx.post(f"{server_url}{CALLS}/{call_id}/end", headers=auth(key), timeout=30)
