"""The PBX's call id makes its request idempotent: sent again (its answer was lost), or twice
at once, it gets the same call, made once here and once at Kallglot; each token's ids are its
own."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from sessions_app.models import CallSession, QueuedCall
from tests.conftest import SandboxControl
from tests.integrations.pbx import make_token, place, sip_route

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def control(live_server_daphne):
    control = SandboxControl(live_server_daphne.sandbox_base)
    control.reset()
    return control


def test_a_repeated_call_id_gets_the_same_call(live_server_daphne, control):
    route = sip_route()
    _, key = make_token(route)

    first = place(live_server_daphne.url, key, queue="PBX line")
    again = place(live_server_daphne.url, key, queue="PBX line")

    assert (first.status_code, again.status_code) == (201, 200), (first.text, again.text)
    assert first.json()["id"] == again.json()["id"]
    body = first.json()
    session = CallSession.objects.get()
    assert body["kallglot_id"] == session.kallglot_id
    assert body["bridge_uri"] == f"sip:{session.kallglot_id}@sip.kallglot.com"
    assert body["pbx_call_id"] == "pbx-1"
    assert session.provider == "sip"
    assert session.metadata == {"caller": "+4930123456", "pbx_call_id": "pbx-1"}
    assert len(control.sessions()) == 1
    assert (
        control.call("GET", f"_control/sessions/{session.kallglot_id}/customer").json()["provider"]
        == "sip"
    )


def test_the_same_call_id_twice_at_once_makes_one_call(live_server_daphne, control):
    _, key = make_token(sip_route())
    control.config(latency_ms=500)  # both requests are in flight together

    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(lambda _: place(live_server_daphne.url, key, queue="PBX line"), range(2))
        )

    assert sorted(answer.status_code for answer in answers) == [200, 201], [a.text for a in answers]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert QueuedCall.objects.count() == 1
    assert len(control.sessions()) == 1


def test_two_tokens_may_use_the_same_call_id(live_server_daphne, control):
    route = sip_route()
    _, first_key = make_token(route, name="Berlin PBX")
    _, second_key = make_token(route, name="Hamburg PBX")

    first = place(live_server_daphne.url, first_key, queue="PBX line")
    second = place(live_server_daphne.url, second_key, queue="PBX line")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
