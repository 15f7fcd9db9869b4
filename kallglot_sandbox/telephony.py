"""Which telephony route a new session gets: `routing` resolved in Kallglot's order (§5.3).

1. `routing.connection_id`: a connection the sandbox knows;
2. `routing.type == "sip"`: provider `sip`, no phone number;
3. `routing.phone_number`: a managed number the sandbox knows, with that number's carrier;
4. no `routing`: the default connection if one is configured, else a browser-only session (D2);
5. anything else: the setup error, 400 `invalid_request` with `param: "routing"` (G23).

The numbers and connections come from settings, read at call time, unless `_control/config`
overrides them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kallglot_sandbox.config import E164, Connection, parse_connections, parse_numbers
from kallglot_sandbox.errors import ApiError, invalid
from kallglot_sandbox.state import Route, store

DEFAULT_NUMBERS = "+4930901820:twilio,+14155550123:telnyx"
DEFAULT_CONNECTIONS = "pcon_sandbox_twilio:twilio,pcon_sandbox_telnyx:telnyx"
DIRECTIONS = ("inbound", "outbound")
METHODS = ("connection_id", "type", "phone_number")


def numbers() -> dict[str, str]:
    if store.config.numbers is not None:
        return store.config.numbers
    raw = getattr(settings, "KALLGLOT_SANDBOX_NUMBERS", DEFAULT_NUMBERS)
    return _from_settings("KALLGLOT_SANDBOX_NUMBERS", raw, parse_numbers)


def connections() -> dict[str, Connection]:
    if store.config.connections is not None:
        return store.config.connections
    raw = getattr(settings, "KALLGLOT_SANDBOX_CONNECTIONS", DEFAULT_CONNECTIONS)
    return _from_settings("KALLGLOT_SANDBOX_CONNECTIONS", raw, parse_connections)


def default_connection() -> str | None:
    value = store.config.default_connection
    if value is None:
        value = getattr(settings, "KALLGLOT_SANDBOX_DEFAULT_CONNECTION", "")
    return value or None


def _from_settings(name: str, raw: Any, parse: Any) -> Any:
    """A setting is either a dict or text like `"+4930901820:twilio,pcon_x:telnyx:+1415…"`."""
    if isinstance(raw, str):
        raw = dict(_entry(item) for item in raw.split(",") if item.strip())
    try:
        return parse(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} {exc}") from None


def _entry(item: str) -> tuple[str, Any]:
    key, _, rest = (part.strip() for part in item.partition(":"))
    provider, _, number = (part.strip() for part in rest.partition(":"))
    return key, ({"provider": provider, "phone_number": number} if number else provider)


def config_view() -> dict[str, Any]:
    """The telephony keys of `_control/config` as they apply now (settings or overrides)."""
    return {
        "numbers": dict(numbers()),
        "connections": {key: _shown(item) for key, item in connections().items()},
        "default_connection": default_connection(),
    }


def _shown(connection: Connection) -> Any:
    if connection.phone_number is None:
        return connection.provider
    return {"provider": connection.provider, "phone_number": connection.phone_number}


def setup_error(why: str) -> ApiError:
    """G23: Kallglot's "setup error" when no route resolves."""
    return invalid(f"No telephony route resolves for this session: {why}.", "routing")


def resolve(routing: Any) -> Route:
    """The route of a new session; `routing` is the request's object (or None)."""
    if routing is None:
        return _default_route()
    given = [name for name in METHODS if routing.get(name) is not None]
    if len(given) != 1:
        named = " and ".join(f"'{name}'" for name in given) or "no method"
        raise setup_error(
            f"routing names {named}; give exactly one of 'connection_id', 'type': 'sip' "
            "or 'phone_number' (or leave 'routing' out for the default route)"
        )
    direction = _direction(routing.get("direction"))
    if given == ["connection_id"]:
        return _connection_route(routing["connection_id"], direction)
    if given == ["type"]:
        return _sip_route(routing, direction)
    return _number_route(routing["phone_number"], direction)


def _direction(value: Any) -> str | None:
    if value is not None and value not in DIRECTIONS:
        raise setup_error(f"'routing.direction' must be 'inbound' or 'outbound', not {value!r}")
    return value


def _connection_route(connection_id: Any, direction: str | None) -> Route:
    connection = connections().get(connection_id) if isinstance(connection_id, str) else None
    if connection is None:
        raise setup_error(f"the connection {connection_id!r} is not configured")
    return Route(connection.provider, connection.phone_number, connection_id, direction)


def _sip_route(routing: dict[str, Any], direction: str | None) -> Route:
    if routing["type"] != "sip":
        raise setup_error(f"'routing.type' can only be 'sip', not {routing['type']!r}")
    sip = {} if routing.get("sip") is None else routing["sip"]
    from_uri = sip.get("from_uri") if isinstance(sip, dict) else None
    if not isinstance(sip, dict) or not isinstance(from_uri, str | None):
        raise setup_error("'routing.sip' must be an object whose 'from_uri' is a string")
    return Route("sip", None, None, direction, from_uri)


def _number_route(number: Any, direction: str | None) -> Route:
    if not isinstance(number, str) or not E164.fullmatch(number):
        raise setup_error(f"the phone number {number!r} is not in E.164 form (+<digits>)")
    carrier = numbers().get(number)
    if carrier is None:
        raise setup_error(f"the phone number {number} is not a number of this organisation")
    return Route(carrier, number, None, direction)


def _default_route() -> Route:
    """D2: the default connection when one is configured, otherwise a browser-only session."""
    connection_id = default_connection()
    if connection_id is None:
        return Route()
    connection = connections().get(connection_id)
    if connection is None:
        raise setup_error(f"the default connection {connection_id!r} is not configured")
    return Route(connection.provider, connection.phone_number, connection_id)
