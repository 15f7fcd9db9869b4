"""400/401/402/403/404/422 and a 409 other than idempotency_conflict fail at once."""

from __future__ import annotations

import httpx
import pytest

from sessions_app.kallglot import KallglotError
from tests.kallglot.conftest import Upstream, error_response


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "idempotency_mismatch"),
        (400, "invalid_request"),
        (401, "invalid_api_key"),
        (402, "insufficient_api_credits"),
        (403, "organization_inactive"),
        (404, "resource_not_found"),
        (409, "resource_exists"),
        (422, "invalid_field_value"),
    ],
)
def test_it_fails_after_one_attempt(make_client, fake_time, status, code):
    upstream = Upstream([error_response(status, code, **{"Retry-After": "1"})])

    with pytest.raises(KallglotError) as caught:
        make_client(upstream).create_session(mode="bidirectional_translation")

    assert len(upstream.requests) == 1
    assert fake_time.sleeps == []
    assert (caught.value.status, caught.value.code) == (status, code)
    assert caught.value.retryable is False


def test_it_does_not_retry_a_redirect(make_client, fake_time):
    """The LEGACY /download answered 302 to storage; the client never follows redirects."""
    upstream = Upstream([httpx.Response(302, headers={"Location": "https://storage.test/x"})])

    with pytest.raises(KallglotError) as caught:
        make_client(upstream).get_recording("rec_01HABC987654321")

    assert len(upstream.requests) == 1
    assert caught.value.status == 302
    assert caught.value.retryable is False
