"""Who a customer is, for an erasure: named by their CRM customer id, their phone number, or
both; the calls that hold either; and keyed hashes that record whom an erasure named.

Numbers are matched as typed and in E.164 (`+` and digits), the form `CallSession.
customer_number`, an inbound call's `QueuedCall.caller` and a dialled one's `OutboundCall.number`
hold; a number held in another
spelling ("+49 30 1234", in metadata) is found when typed that way.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.crypto import salted_hmac

from sessions_app.models import CallSession, ErasureRecord

# Metadata keys and fields that hold a customer's phone number ("caller": an inbound call's,
# which its queue record keeps too).
NUMBER_KEYS = ("customer_number", "phone_number", "caller")
NUMBER_FIELDS = (
    "customer_number",
    "queued__caller",
    "dialled__number",
    *(f"metadata__{key}" for key in NUMBER_KEYS),
)
# E.164: up to 15 digits; a leading "+" is optional, as a national number may be stored so.
PHONE_NUMBER = re.compile(r"\+?\d{3,15}")
HASH_SALT = "sessions_app.privacy.erasure"


@dataclass(frozen=True)
class Named:
    """A customer as an erasure names them: by CRM customer id, phone number, or both."""

    customer_id: str = ""
    numbers: tuple[str, ...] = ()  # the spellings looked for, the E.164 one first

    def calls(self) -> QuerySet[CallSession]:
        """Every call of the customer: any that holds the id or the number."""
        matches = [Q(metadata__customer_id=self.customer_id)] if self.customer_id else []
        if self.numbers:
            matches += [Q(**{f"{name}__in": self.numbers}) for name in NUMBER_FIELDS]
        return CallSession.objects.filter(functools.reduce(operator.or_, matches))

    def hashes(self) -> dict[str, str]:
        number = identifier_hash("number", self.numbers[0]) if self.numbers else ""
        customer_id = identifier_hash("customer_id", self.customer_id) if self.customer_id else ""
        return {"number_hash": number, "customer_id_hash": customer_id}


def named(*, number: str | None = None, customer_id: str | None = None) -> Named:
    """The customer named by a phone number (any usual spelling), a CRM customer id, or both;
    ValueError if neither names anyone."""
    number, customer_id = (number or "").strip(), (customer_id or "").strip()
    if not number and not customer_id:
        raise ValueError("Name the customer by a phone number or a CRM customer id.")
    if not number:
        return Named(customer_id)
    canonical = e164(number)
    if canonical is None:
        raise ValueError("That is not a phone number.")
    return Named(customer_id, tuple(dict.fromkeys([canonical, number])))


def e164(number: str) -> str | None:
    """The number as E.164 writes it, `+` and digits ("0049 (30) 123-45" is "+493012345"),
    or None if it is not one."""
    digits = re.sub(r"[\s().\-/]", "", number)
    digits = "+" + digits[2:] if digits.startswith("00") else digits
    return digits if PHONE_NUMBER.fullmatch(digits) else None


def identifier_hash(kind: str, value: str) -> str:
    """HMAC-SHA-256 of the identifier, keyed with SECRET_KEY.

    It answers "was this customer erased?" for someone who holds the identifier, and only
    for them: a plain SHA-256 of a phone number is undone by hashing every possible number.
    """
    return salted_hmac(HASH_SALT, f"{kind}:{value}", algorithm="sha256").hexdigest()


def erasures_of(text: str) -> QuerySet[ErasureRecord]:
    """The erasures that named `text`, as a CRM customer id or as a phone number."""
    text = text.strip()
    number = e164(text)
    by_number = Q(number_hash=identifier_hash("number", number)) if number else Q(pk__in=[])
    return ErasureRecord.objects.filter(
        by_number | Q(customer_id_hash=identifier_hash("customer_id", text))
    )


def customers_of(calls: Iterable[CallSession]) -> list[dict[str, str]]:
    """The customers of these calls, each once, as `erase_customer` takes them: by the CRM
    customer id and the phone number each call holds. A call that names no one, or only
    whom an earlier call named, adds nobody."""
    customers, seen = [], set()
    for call in calls:
        customer_id, number = str(call.metadata.get("customer_id") or "").strip(), number_of(call)
        names = {("customer_id", customer_id), ("number", e164(number) or "")}
        names -= {("customer_id", ""), ("number", "")}
        if names - seen:
            seen |= names
            customers.append({"customer_id": customer_id, "number": number})
    return customers


def number_of(call: CallSession) -> str:
    """The customer's phone number as the call holds it, or "" if it holds none."""
    held = [call.customer_number, *(call.metadata.get(key) for key in NUMBER_KEYS)]
    return next((str(number).strip() for number in held if number and e164(str(number))), "")
