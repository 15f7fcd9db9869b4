"""Telephony routes: what each kind needs, which one a call uses, and the SIP bridge."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import transaction

from sessions_app import languages, phone
from sessions_app.models import Route

CONNECTION_ID = re.compile(r"^pcon_[A-Za-z0-9_]{1,58}$")
SIP_URI = re.compile(r"^sips?:[^\s<>\"]{1,190}$")
SIP_DOMAIN = "sip.kallglot.com"


def clean_route(route: Route) -> None:
    """What a route of its kind must say, checked and normalised (the admin's form calls it)."""
    errors: dict[str, str] = {}
    numbered = route.kind == Route.Kind.MANAGED_NUMBER or (
        route.kind == Route.Kind.CONNECTION and route.phone_number
    )
    if numbered:
        try:
            route.phone_number = phone.to_e164(route.phone_number)
        except ValidationError as exc:
            errors["phone_number"] = exc.messages[0]
    elif route.phone_number:
        errors["phone_number"] = (
            "Only a Kallglot-managed number or an external connection route has a number."
        )
    if route.kind == Route.Kind.CONNECTION and not CONNECTION_ID.match(route.connection_id):
        errors["connection_id"] = "An external connection's id looks like pcon_01HXYZ."
    elif route.kind != Route.Kind.CONNECTION and route.connection_id:
        errors["connection_id"] = "Only an external connection route has a connection id."
    if route.sip_from_uri and (
        route.kind != Route.Kind.SIP or not SIP_URI.match(route.sip_from_uri)
    ):
        errors["sip_from_uri"] = "A SIP route's From URI looks like sip:pbx@example.com."
    offered = {item["code"] for item in languages.offered()}
    for field in ("customer_language", "agent_language"):
        if getattr(route, field) and getattr(route, field) not in offered:
            errors[field] = "Choose a language the console offers."
    if errors:
        raise ValidationError(errors)


def save_route(route: Route) -> None:
    """Save a route; a new default takes over from the old one in the same transaction."""
    with transaction.atomic():
        if route.is_default:
            Route.objects.filter(is_default=True).exclude(pk=route.pk).update(is_default=False)
        route.save()


def offered_routes() -> list[Route]:
    return list(Route.objects.filter(is_active=True))


def find_route(reference: object) -> Route | None:
    """An active route by its id or its label (what a CRM or the API names)."""
    routes = Route.objects.filter(is_active=True)
    if isinstance(reference, int) or (isinstance(reference, str) and reference.isdigit()):
        return routes.filter(pk=int(reference)).first()
    return routes.filter(label=reference).first() if isinstance(reference, str) else None


def inbound_routes() -> list[Route]:
    """The active routes whose own number takes inbound calls into their queue."""
    routes = Route.objects.filter(is_active=True, kind=Route.Kind.CONNECTION)
    found = routes.filter(direction=Route.Direction.INBOUND).exclude(phone_number="")
    return list(found.order_by("label"))


def inbound_route(called: str) -> Route | None:
    """The active external-connection route that answers calls to this number, if any."""
    try:
        number = phone.to_e164(called)
    except ValidationError:
        return None
    routes = Route.objects.filter(is_active=True, kind=Route.Kind.CONNECTION)
    return routes.filter(phone_number=number, direction=Route.Direction.INBOUND).first()


def dials(route: Route | None) -> bool:
    """An outbound line: an external connection that calls customers from its own number."""
    return bool(
        route
        and route.kind == Route.Kind.CONNECTION
        and route.direction == Route.Direction.OUTBOUND
        and route.phone_number
    )


def dial_region(route: Route | None) -> str:
    """The country of a number typed without its code: that of the line's own number."""
    try:
        number = phonenumbers.parse(route.phone_number, None) if route else None
    except phonenumbers.NumberParseException:
        number = None
    found = phonenumbers.region_code_for_number(number) if number else None
    return found or phone.DEFAULT_REGION


def default_route() -> Route | None:
    return Route.objects.filter(is_active=True, is_default=True).first()


def route_json(route: Route | None) -> dict | None:
    """A route as pages and the API show it (the console offers the active ones)."""
    if route is None:
        return None
    return {
        "id": route.pk,
        "label": route.label,
        "kind": route.kind,
        "default": route.is_default,
        # An outbound line dials the customer's number, read in this country when it has no code.
        "dial_region": dial_region(route) if dials(route) else None,
    }


def bridge_uri(kallglot_id: str) -> str:
    """Where the PBX sends a SIP call's leg: the session's own address at Kallglot."""
    return f"sip:{kallglot_id}@{SIP_DOMAIN}"
