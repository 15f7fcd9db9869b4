"""Django admin as a superuser and as a supervisor; agents cannot get in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from sessions_app.kallglot.status import record_headers, reset_upstream_status
from sessions_app.models import Analysis, CallSession, Recording, SessionEvent, WebhookEvent
from tests.aftercall.factories import ended_call, with_transcript
from tests.conftest import client_for
from tests.webhooks.helpers import deliver, envelope, session_data

pytestmark = pytest.mark.django_db

CHANGELISTS = (
    "callsession",
    "webhookevent",
    "recording",
    "analysis",
    "transcriptturn",
)


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("root", password="root-pass-123456")


@pytest.fixture
def data(alice, client):
    yesterday = timezone.now() - timedelta(days=1)  # within the calls list's default 30 days
    call = ended_call(alice, created_at=yesterday, metadata={"external_call_id": "ext-5"})
    session = with_transcript(call)
    deliver(client, envelope("session.teleported", session_data(session.kallglot_id, "ended")))
    Recording.objects.create(kallglot_id="rec_ADMIN1", session=session, status="ready")
    Analysis.objects.create(kallglot_id="anl_ADMIN1", session=session, status="completed")
    SessionEvent.objects.create(session=session, seq=1, kind="session.ended")
    return session


@pytest.fixture(params=["superuser", "supervisor"])
def staff(request, admin_user, charlie):
    return client_for(admin_user if request.param == "superuser" else charlie)


@pytest.mark.parametrize("model", CHANGELISTS)
def test_every_changelist_and_change_view_opens(staff, data, model):
    response = staff.get(f"/admin/sessions_app/{model}/")
    assert response.status_code == 200

    obj = response.context["cl"].result_list[0]
    assert staff.get(f"/admin/sessions_app/{model}/{obj.pk}/change/").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "?status__exact=ended",
        "?mode__exact=bidirectional_translation",
        "?source_language__exact=en",
        "?target_language__exact=es",
        "?created_at__gte=2026-03-01%2000%3A00%3A00%2B00%3A00",
        "?q=ext-5",
        "?q=alice",
        "?created_at__year=2026",
    ],
)
def test_session_filters_and_search_find_the_call(staff, data, query):
    response = staff.get(f"/admin/sessions_app/callsession/{query}")

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [data]


@pytest.mark.parametrize("query", ["?event_type=session.teleported", "?outcome__exact=ignored"])
def test_webhook_filters_find_the_delivery(staff, data, query):
    response = staff.get(f"/admin/sessions_app/webhookevent/{query}")

    assert [e.event_type for e in response.context["cl"].result_list] == ["session.teleported"]


def test_a_webhook_delivery_shows_its_body_as_pretty_json(staff, data):
    event = WebhookEvent.objects.get()

    page = staff.get(f"/admin/sessions_app/webhookevent/{event.pk}/change/").content.decode()

    assert "&quot;type&quot;: &quot;session.teleported&quot;" in page


@pytest.mark.parametrize("model", ["callsession", "webhookevent"])
def test_a_rows_page_is_a_view_without_save_buttons(staff, data, model):
    pk = {"callsession": CallSession, "webhookevent": WebhookEvent}[model].objects.first().pk

    response = staff.get(f"/admin/sessions_app/{model}/{pk}/change/")

    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert staff.post(f"/admin/sessions_app/{model}/{pk}/change/", {}).status_code == 403


def test_the_index_shows_the_upstream_panel_without_the_key(staff, settings):
    page = staff.get("/admin/").content.decode()

    assert "Kallglot upstream" in page
    assert "sandbox" in page
    assert settings.KALLGLOT_API_KEY not in page


@pytest.fixture
def fresh_upstream_status():
    reset_upstream_status()
    yield
    reset_upstream_status()


def test_the_panel_gives_the_rate_limit_reset_as_a_time(staff, fresh_upstream_status):
    limits = {"x-ratelimit-limit": "120", "x-ratelimit-remaining": "7"}
    record_headers(limits | {"x-ratelimit-reset": "1711454460"}, request_id=None)

    page = staff.get("/admin/").content.decode()

    assert "7 of 120 left, resets at 12:01:00 UTC" in page
    assert "1711454460" not in page


def act(client, model: str, action: str, pks: list[int], **extra: str):
    return client.post(
        f"/admin/sessions_app/{model}/",
        {"action": action, "_selected_action": pks, **extra},
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def live_call(sandbox, alice):
    upstream = sandbox.call("POST", "sessions", json={"mode": "ai_agent"}).json()
    return CallSession.objects.create(kallglot_id=upstream["id"], agent=alice, mode="ai_agent")


def test_ending_a_call_from_the_admin_ends_it_upstream_and_records_who(charlie, live_call, sandbox):
    client = client_for(charlie)
    response = act(client, "callsession", "end_upstream", [live_call.pk], confirm="yes")

    assert messages_of(response) == [f"{live_call.kallglot_id}: end done."]
    assert sandbox.session(live_call.kallglot_id)["status"] == "ended"
    event = live_call.events.get(kind="session.ended")
    assert event.actor == charlie


def test_an_admin_action_reports_an_upstream_error_per_row(charlie, live_call, sandbox, settings):
    sandbox.fault("sessions.end", 403, "organization_inactive")

    client = client_for(charlie)
    response = act(client, "callsession", "end_upstream", [live_call.pk], confirm="yes")

    [message] = messages_of(response)
    assert message.startswith(f"{live_call.kallglot_id}: end failed:")
    assert "subscription is inactive" in message
    assert settings.KALLGLOT_API_KEY not in response.content.decode()
    live_call.refresh_from_db()
    assert live_call.status == "created"


def test_refresh_applies_upstream_state_and_records_the_action(charlie, live_call, sandbox):
    sandbox.call("POST", f"sessions/{live_call.kallglot_id}/end")

    act(client_for(charlie), "callsession", "refresh_from_kallglot", [live_call.pk])

    live_call.refresh_from_db()
    assert live_call.status == "ended"
    assert live_call.events.filter(kind="action.refresh", actor=charlie).exists()


def test_requesting_analysis_from_the_admin(charlie, live_call, sandbox):
    sandbox.call("POST", f"sessions/{live_call.kallglot_id}/end")
    client = client_for(charlie)
    act(client, "callsession", "refresh_from_kallglot", [live_call.pk])

    response = act(client, "callsession", "request_analysis", [live_call.pk])

    assert messages_of(response) == [f"{live_call.kallglot_id}: analysis request done."]
    assert live_call.analyses.get().requested_by == charlie


def test_reprocess_applies_a_failed_delivery(charlie, client, alice):
    session = CallSession.objects.create(kallglot_id="sess_RP1", agent=alice, mode="ai_agent")
    body = envelope(
        "session.started", session_data("sess_RP1", "active", started_at="2026-03-26T11:00:15Z")
    )
    deliver(client, body)
    event = WebhookEvent.objects.get()
    WebhookEvent.objects.filter(pk=event.pk).update(outcome="failed", error="boom")
    SessionEvent.objects.all().delete()
    CallSession.objects.filter(pk=session.pk).update(status="created", started_at=None)

    response = act(client_for(charlie), "webhookevent", "reprocess", [event.pk])

    assert messages_of(response) == [f"{event.event_id}: applied."]
    session.refresh_from_db()
    assert session.status == "active"


@pytest.mark.parametrize("path", ["/admin/", "/admin/sessions_app/callsession/", "/supervisor/"])
def test_agents_cannot_reach_the_admin_or_the_board(alice, path):
    response = client_for(alice).get(path)

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/admin/login/")


def test_anonymous_users_are_sent_to_sign_in_for_the_board(client, db):
    assert client.get("/supervisor/")["Location"].startswith("/accounts/login/")


def test_agents_get_no_board_ticket(alice, charlie):
    assert client_for(alice).get("/supervisor/socket").status_code == 403
    assert (
        client_for(charlie)
        .get("/supervisor/socket")
        .json()["socket"]
        .startswith("/ws/supervisor/?ticket=")
    )


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        ("recording", "?status__exact=ready", ["rec_ADMIN1"]),
        ("recording", "?status__exact=failed", []),
        ("recording", "?q=rec_ADMIN1", ["rec_ADMIN1"]),
        ("analysis", "?status__exact=completed", ["anl_ADMIN1"]),
        ("analysis", "?status__exact=failed", []),
        ("analysis", "?profile=default", ["anl_ADMIN1"]),
        ("webhookevent", "?outcome__exact=failed", []),
    ],
)
def test_result_filters_find_what_they_should(staff, data, model, query, expected):
    response = staff.get(f"/admin/sessions_app/{model}/{query}")

    assert response.status_code == 200
    found = [
        getattr(o, "kallglot_id", None) or o.event_id for o in response.context["cl"].result_list
    ]
    assert found == expected
