"""Twilio's Calls API, stood in: the app places outbound calls, reads them, hangs them up.

Mounted at `<sandbox base>/twilio/`, which stands for `https://api.twilio.com/`:

- `POST 2010-04-01/Accounts/{AccountSid}/Calls.json`, a form with `To`, `From`, `Url`,
  `Method`, `StatusCallback`, `StatusCallbackEvent`, `StatusCallbackMethod` and `Timeout`
  → 201 and the call resource (`queued`); the call itself is twilio_outbound.py's;
- `GET 2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json` → the call resource (any call of the
  stand-in, inbound ones too);
- `POST 2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json` with `Status=canceled|completed`.

Every request authenticates as the `twilio` package does, HTTP Basic with the account SID and
the auth token; errors are Twilio's JSON, `{code, message, more_info, status}`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from kallglot_sandbox import twilio_calls, twilio_http, twilio_outbound
from kallglot_sandbox.config import E164
from kallglot_sandbox.gateway import stream_root
from kallglot_sandbox.state import TwilioCall, store

Form = dict[str, list[str]]
EVENT_NAMES = ("initiated", "ringing", "answered", "completed")
DEFAULT_TIMEOUT_S, MAX_TIMEOUT_S = 60, 600
REFUSED = ("Twiml", "ApplicationSid", "MachineDetection", "AsyncAmd")
SHOWN_STATUS = {twilio_calls.INITIATED: twilio_calls.QUEUED}  # not a status of the resource


class TwilioError(Exception):
    """An error answered as Twilio answers it."""

    def __init__(self, status: int, code: int, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.detail = status, code, message, detail

    def response(self) -> JsonResponse:
        body: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }
        if self.detail:
            body["detail"] = self.detail
        response = JsonResponse(body, status=self.status)
        if self.status == 401:
            response["WWW-Authenticate"] = 'Basic realm="Twilio API"'
        return response


def bad_request(code: int, message: str) -> TwilioError:
    return TwilioError(400, code, message)


Handler = Callable[..., Awaitable[HttpResponse]]


def twilio_endpoint(*methods: str) -> Callable[[Handler], Handler]:
    """Wrap a handler `(request, **url_kwargs)` in Twilio's authentication and error shape."""

    def decorate(handler: Handler) -> Handler:
        @csrf_exempt
        @functools.wraps(handler)
        async def view(request: HttpRequest, account_sid: str, **kwargs: Any) -> HttpResponse:
            try:
                _authenticate(request, account_sid)
                if request.method not in methods:
                    raise TwilioError(405, 20004, "Method not allowed")
                return await handler(request, **kwargs)
            except TwilioError as exc:
                return exc.response()

        return view

    return decorate


def _authenticate(request: HttpRequest, account_sid: str) -> None:
    """HTTP Basic `AccountSid:AuthToken`, for the account named in the URL."""
    user, password = _basic_credentials(request)
    token, sid = twilio_http.auth_token(), twilio_http.account_sid()
    if not token:
        raise TwilioError(
            401,
            20003,
            "Authenticate",
            "The sandbox has no Twilio auth token: set TWILIO_AUTH_TOKEN (or "
            "`twilio_auth_token` in _control/config).",
        )
    if not (_same(user, sid) and _same(password, token)):
        raise TwilioError(401, 20003, "Authenticate", "Your AccountSid or AuthToken was incorrect.")
    if account_sid != sid:
        raise TwilioError(
            401, 20003, "Authenticate", f"The URL names the account {account_sid}, not yours."
        )


def _basic_credentials(request: HttpRequest) -> tuple[str, str]:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return "", ""
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    user, _, password = decoded.partition(":")
    return user, password


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


@twilio_endpoint("POST")
async def calls(request: HttpRequest) -> HttpResponse:
    """Create a call: the dialled customer's phone rings (twilio_outbound.py)."""
    placed = twilio_outbound.dial(_dial_request(_form(request)), stream_root(request))
    return JsonResponse(call_resource(placed), status=201)


@twilio_endpoint("GET", "POST")
async def call_detail(request: HttpRequest, call_sid: str) -> HttpResponse:
    """Fetch a call; a POST with `Status` cancels or hangs it up."""
    found = store.twilio_calls.get(call_sid)
    if found is None or found.account_sid != twilio_http.account_sid():
        raise _not_found(request)
    if request.method == "POST":
        _update(found, _form(request))
    return JsonResponse(call_resource(found))


async def unknown(request: HttpRequest, path: str = "") -> HttpResponse:
    """Anything else under `twilio/`: Twilio's 404."""
    return _not_found(request).response()


def _not_found(request: HttpRequest) -> TwilioError:
    path = request.path.split("/twilio", 1)[-1]
    return TwilioError(404, 20404, f"The requested resource {path} was not found")


def _form(request: HttpRequest) -> Form:
    """The form fields of the body, every value of each (`StatusCallbackEvent` repeats)."""
    form: Form = {}
    for name, value in parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True):
        form.setdefault(name, []).append(value)
    return form


def _one(form: Form, name: str) -> str:
    """A field's first value, stripped ("" when absent)."""
    values = form.get(name)
    return values[0].strip() if values else ""


def _dial_request(form: Form) -> twilio_outbound.Dial:
    refused = [name for name in REFUSED if _one(form, name)]
    if refused:
        raise bad_request(
            21200,
            f"The Twilio stand-in does not play {', '.join(refused)}: give a 'Url' whose "
            "answer is the call's TwiML.",
        )
    return twilio_outbound.Dial(
        to_number=_number(form, "To", missing=21201, invalid=21211),
        from_number=_number(form, "From", missing=21213, invalid=21212),
        url=_url(form, "Url", required=True),
        method=_method(form, "Method"),
        status_url=_url(form, "StatusCallback", required=False) or None,
        status_method=_method(form, "StatusCallbackMethod"),
        events=_events(form),
        timeout_s=_timeout(form),
    )


def _number(form: Form, name: str, *, missing: int, invalid: int) -> str:
    value = _one(form, name)
    if not value:
        raise bad_request(missing, f"No '{name}' number is specified")
    if not E164.fullmatch(value):
        raise bad_request(
            invalid,
            f"The '{name}' number {value} is not a valid phone number (the Twilio stand-in "
            "dials E.164 numbers only).",
        )
    return value


def _url(form: Form, name: str, *, required: bool) -> str:
    value = _one(form, name)
    if not value and required:
        raise bad_request(21205, f"A '{name}' is required: the URL that answers the call's TwiML.")
    parts = urlsplit(value)
    if value and (parts.scheme not in ("http", "https") or not parts.hostname):
        raise bad_request(21205, f"{name} is not a valid URL: {value}")
    return value


def _method(form: Form, name: str) -> str:
    value = (_one(form, name) or "POST").upper()
    if value not in ("GET", "POST"):
        raise bad_request(21209, f"{name} must be GET or POST, not {_one(form, name)}")
    return value


def _events(form: Form) -> frozenset[str]:
    """`StatusCallbackEvent`, repeated or space-separated; only `completed` if none is given."""
    given = [event for value in form.get("StatusCallbackEvent", []) for event in value.split()]
    unknown = sorted(set(given) - set(EVENT_NAMES))
    if unknown:
        raise bad_request(
            21626,
            f"Invalid StatusCallbackEvent {', '.join(unknown)}: use {', '.join(EVENT_NAMES)}",
        )
    return frozenset(given or ["completed"])


def _timeout(form: Form) -> int:
    """Ring seconds before `no-answer`: a positive whole number, 60 by default, at most 600."""
    value = _one(form, "Timeout")
    if not value:
        return DEFAULT_TIMEOUT_S
    if not value.isdigit() or int(value) < 1:
        raise bad_request(21208, f"Timeout must be a positive whole number of seconds, not {value}")
    return min(int(value), MAX_TIMEOUT_S)


def _update(found: TwilioCall, form: Form) -> None:
    status = _one(form, "Status")
    if status not in (twilio_calls.CANCELED, twilio_calls.COMPLETED):
        raise bad_request(
            21200,
            "The Twilio stand-in updates a call's Status only: 'canceled' or 'completed'.",
        )
    try:
        twilio_calls.update_status(found, status)
    except twilio_calls.CallOver:
        raise bad_request(21220, "Call is not in-progress. Cannot redirect.") from None


def call_resource(found: TwilioCall) -> dict[str, Any]:
    """The call as Twilio's API shows it."""
    uri = f"/{twilio_http.API_VERSION}/Accounts/{found.account_sid}/Calls/{found.sid}"
    ended = found.status in twilio_calls.ENDED
    answered = found.answered_at is not None
    return {
        "account_sid": found.account_sid,
        "annotation": None,
        "answered_by": None,
        "api_version": twilio_http.API_VERSION,
        "caller_name": None,
        "date_created": twilio_http.rfc2822(found.created_at),
        "date_updated": twilio_http.rfc2822(found.updated_at),
        "direction": found.direction,
        "duration": str(twilio_calls.duration_s(found)) if ended and answered else None,
        "end_time": _rfc2822(found.ended_at),
        "forwarded_from": None,
        "from": found.from_number,
        "from_formatted": found.from_number,
        "group_sid": None,
        "parent_call_sid": None,
        "phone_number_sid": None,
        "price": None,
        "price_unit": "USD",
        "queue_time": "0",
        "sid": found.sid,
        "start_time": _rfc2822(found.started_at or found.answered_at),
        "status": SHOWN_STATUS.get(found.status, found.status),
        "subresource_uris": {
            "notifications": f"{uri}/Notifications.json",
            "recordings": f"{uri}/Recordings.json",
            "streams": f"{uri}/Streams.json",
        },
        "to": found.to_number,
        "to_formatted": found.to_number,
        "trunk_sid": None,
        "uri": f"{uri}.json",
    }


def _rfc2822(at: float | None) -> str | None:
    return None if at is None else twilio_http.rfc2822(at)
