"""`verify_signature` accepts exactly the deliveries signed with the secret within the
tolerance, and answers False — never an exception — to anything else."""

from __future__ import annotations

import hashlib
import hmac
import time

from hypothesis import example, given
from hypothesis import strategies as st

from sessions_app.kallglot import signature_header, verify_signature

SECRET = "whsec_test_0123456789"
NOW = 1_710_072_360


def sign(body: bytes, secret: str = SECRET, t: int = NOW) -> str:
    """Signed independently of the code under test, as kallglot-api.md §4.5 describes."""
    message = str(t).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


bodies = st.binary(max_size=2048)
utf8_secrets = st.text(
    min_size=1, max_size=64, alphabet=st.characters(blacklist_categories=("Cs",))
)
hex_signatures = st.text("0123456789abcdef", min_size=64, max_size=64)


@given(body=bodies)
def test_it_accepts_a_correctly_signed_body(body):
    assert verify_signature(body, f"t={NOW},v1={sign(body)}", SECRET, now=NOW)


@given(body=bodies, secret=utf8_secrets)
def test_it_agrees_with_its_own_signer(body, secret):
    assert verify_signature(body, signature_header(body, secret, NOW), secret, now=NOW)


@given(body=st.binary(min_size=1, max_size=512), data=st.data())
def test_it_rejects_any_single_byte_change(body, data):
    index = data.draw(st.integers(0, len(body) - 1))
    replacement = data.draw(st.integers(0, 255).filter(lambda b: b != body[index]))
    tampered = body[:index] + bytes([replacement]) + body[index + 1 :]

    assert not verify_signature(tampered, f"t={NOW},v1={sign(body)}", SECRET, now=NOW)


@given(body=bodies, extra=st.binary(min_size=1, max_size=8))
def test_it_rejects_a_longer_or_shorter_body(body, extra):
    header = f"t={NOW},v1={sign(body + extra)}"

    assert not verify_signature(body, header, SECRET, now=NOW)


@given(skew=st.integers(-10_000, 10_000))
def test_it_accepts_only_timestamps_within_the_tolerance(skew):
    header = f"t={NOW + skew},v1={sign(b'{}', t=NOW + skew)}"

    assert verify_signature(b"{}", header, SECRET, tolerance=300, now=NOW) is (abs(skew) <= 300)


def test_it_rejects_stale_and_future_timestamps():
    for t in (NOW - 301, NOW + 301):
        assert not verify_signature(b"{}", f"t={t},v1={sign(b'{}', t=t)}", SECRET, now=NOW)


@given(body=bodies, others=st.lists(hex_signatures, max_size=4), position=st.integers(0, 4))
def test_it_accepts_any_matching_v1_entry(body, others, position):
    entries = [f"v1={other}" for other in others]
    entries.insert(min(position, len(entries)), f"v1={sign(body)}")
    header = ",".join([f"t={NOW}", *entries])

    assert verify_signature(body, header, SECRET, now=NOW)


def test_it_accepts_a_rotated_secret_in_either_place():
    old, new = "whsec_old", "whsec_new"
    header = f"t={NOW},v1={sign(b'x', old)},v1={sign(b'x', new)}"

    assert verify_signature(b"x", header, new, now=NOW)
    assert verify_signature(b"x", header, old, now=NOW)
    assert not verify_signature(b"x", header, "whsec_other", now=NOW)


def test_it_ignores_unknown_schemes_and_spaces():
    header = f" t={NOW} , v0=deadbeef , v1={sign(b'x')} "

    assert verify_signature(b"x", header, SECRET, now=NOW)


@given(header=st.one_of(st.none(), st.text(max_size=300), st.binary(max_size=300)), body=bodies)
@example(header=f"t={NOW}", body=b"")
@example(header=f"v1={'0' * 64}", body=b"")
@example(header=f"t={NOW},t={NOW},v1={'0' * 64}", body=b"")
@example(header="t=,v1=", body=b"")
@example(header="t=١٧١٠٠٧٢٣٦٠,v1=" + "0" * 64, body=b"")  # Arabic-Indic digits
@example(header=f"t=-{NOW},v1=" + "0" * 64, body=b"")
@example(header=f"t={NOW}.5,v1=" + "0" * 64, body=b"")
@example(header=f"t={'9' * 40},v1=" + "0" * 64, body=b"")
@example(header=f"t={NOW},v1={'A' * 64}", body=b"")
@example(header=f"t={NOW},v1=\udcff", body=b"")
@example(header="=" * 5000, body=b"")
def test_it_never_raises_on_arbitrary_headers(header, body):
    assert verify_signature(body, header, SECRET, now=NOW) is False


@given(
    header=st.text(max_size=200),
    secret=st.text(max_size=20),
    tolerance=st.one_of(st.integers(), st.floats()),
    now=st.one_of(st.none(), st.floats(), st.integers()),
    body=st.one_of(bodies, st.text(max_size=10), st.none()),
)
def test_it_never_raises_on_any_argument(header, secret, tolerance, now, body):
    assert verify_signature(body, header, secret, tolerance=tolerance, now=now) in (True, False)


def test_it_rejects_uppercase_hex_and_an_empty_secret():
    signature = sign(b"x")

    assert not verify_signature(b"x", f"t={NOW},v1={signature.upper()}", SECRET, now=NOW)
    assert not verify_signature(b"x", f"t={NOW},v1={sign(b'x', '')}", "", now=NOW)


def test_it_rejects_a_nan_clock():
    assert not verify_signature(b"x", f"t={NOW},v1={sign(b'x')}", SECRET, now=float("nan"))


def test_it_accepts_a_header_in_bytes():
    assert verify_signature(b"x", f"t={NOW},v1={sign(b'x')}".encode(), SECRET, now=NOW)


def test_it_uses_the_current_time_by_default():
    t = int(time.time())
    assert verify_signature(b"x", f"t={t},v1={sign(b'x', t=t)}", SECRET)
    assert not verify_signature(b"x", f"t={NOW},v1={sign(b'x')}", SECRET)
