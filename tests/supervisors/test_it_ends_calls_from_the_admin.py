"""The admin's End asks first; both upstream actions close here a call Kallglot no longer knows;
the list and a call's page say why each call ended, in words."""

from __future__ import annotations

import pytest

from sessions_app.models import CallSession
from tests.conftest import client_for
from tests.supervisors.test_admin import act, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_call(sandbox, alice) -> CallSession:
    upstream = sandbox.call("POST", "sessions", json={"mode": "ai_agent"}).json()
    return CallSession.objects.create(kallglot_id=upstream["id"], agent=alice, mode="ai_agent")


@pytest.fixture
def forgotten(sandbox, live_call) -> CallSession:
    sandbox.call("POST", f"_control/sessions/{live_call.kallglot_id}/forget")
    return live_call


def test_ending_asks_for_confirmation_first(charlie, live_call, sandbox):
    response = act(client_for(charlie), "callsession", "end_upstream", [live_call.pk])

    page = response.content.decode()
    assert "End these calls?" in page
    assert live_call.kallglot_id in page
    assert 'name="confirm" value="yes"' in page
    assert "Yes, end 1 call" in page
    assert sandbox.session(live_call.kallglot_id)["status"] == "created"
    live_call.refresh_from_db()
    assert live_call.status == "created"


def test_a_confirmed_end_says_a_supervisor_ended_it(charlie, live_call, sandbox):
    act(client_for(charlie), "callsession", "end_upstream", [live_call.pk], confirm="yes")

    live_call.refresh_from_db()
    assert live_call.end_reason == "ended_by_supervisor"
    event = live_call.events.get(kind="session.ended")
    assert (event.actor, event.data["by"]) == (charlie, "charlie")


@pytest.mark.parametrize(
    ("action", "extra"), [("end_upstream", {"confirm": "yes"}), ("refresh_from_kallglot", {})]
)
def test_both_actions_close_a_call_kallglot_no_longer_knows(charlie, forgotten, action, extra):
    response = act(client_for(charlie), "callsession", action, [forgotten.pk], **extra)

    [message] = messages_of(response)
    assert message.endswith("Kallglot no longer knew this call, so it is closed here.")
    forgotten.refresh_from_db()
    assert (forgotten.status, forgotten.end_reason) == ("ended", "upstream_lost")
    assert forgotten.events.filter(kind="session.ended").count() == 1


def test_the_list_and_the_page_say_why_a_call_ended(charlie, forgotten):
    client = client_for(charlie)
    act(client, "callsession", "refresh_from_kallglot", [forgotten.pk])

    listed = client.get("/admin/sessions_app/callsession/").content.decode()
    page = client.get(f"/admin/sessions_app/callsession/{forgotten.pk}/change/").content.decode()

    assert "Kallglot no longer knew this call" in listed
    assert "Why it ended" in page
    assert "Kallglot no longer knew this call" in page


def test_the_list_filters_calls_by_why_they_ended(charlie, forgotten, alice):
    other = CallSession.objects.create(
        kallglot_id="sess_other", agent=alice, mode="ai_agent", status="ended"
    )
    client = client_for(charlie)
    act(client, "callsession", "refresh_from_kallglot", [forgotten.pk])

    listed = client.get("/admin/sessions_app/callsession/").content.decode()
    response = client.get("/admin/sessions_app/callsession/?end_reason=upstream_lost")

    assert 'href="?end_reason=upstream_lost"' in listed  # offered in the filters, in words
    assert list(response.context["cl"].result_list) == [forgotten]
    assert other not in response.context["cl"].result_list
