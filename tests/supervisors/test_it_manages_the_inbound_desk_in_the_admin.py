"""Supervisors run the inbound desk from the admin: a route's queue on the route's page, the
dispositions (ordered and switched on and off from their list), the agents' languages (ticked
from the console's), the agents' state to read; and the inbound calls, read-only, filtered by
outcome, queue and date. Agents get none of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from sessions_app.models import AgentProfile, Disposition, Queue, QueuedCall
from tests.conftest import client_for
from tests.inbound.calls import filed, inbound_call, missed_call
from tests.telephony.inbound import at_desk, make_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(charlie):
    return client_for(charlie)


def route_form(route, **queue: str) -> dict:
    """The route's page as saved, its queue's form filled with `queue`."""
    fields = {
        "label": route.label,
        "kind": route.kind,
        "phone_number": route.phone_number,
        "connection_id": route.connection_id,
        "direction": route.direction,
        "customer_language": route.customer_language,
        "agent_language": route.agent_language,
        "is_active": "on",
        "queue-TOTAL_FORMS": "1",
        "queue-INITIAL_FORMS": "1" if "queue-0-id" in queue else "0",
        "queue-0-route": str(route.pk),
    }
    return fields | queue


def test_a_supervisor_sets_a_routes_queue_on_its_page(supervisor):
    route = make_queue().route
    Queue.objects.all().delete()
    url = f"/admin/sessions_app/route/{route.pk}/change/"
    assert "Queue for inbound calls" in supervisor.get(url).content.decode()

    response = supervisor.post(
        url,
        route_form(
            route,
            **{
                "queue-0-ring_seconds": "15",
                "queue-0-timeout_seconds": "120",
                "queue-0-greeting": "Willkommen",
            },
        ),
    )

    assert response.status_code == 302, response.context["errors"]
    queue = Queue.objects.get(route=route)
    assert (queue.ring_seconds, queue.timeout_seconds, queue.greeting) == (15, 120, "Willkommen")


def test_a_queue_rings_each_agent_for_at_least_five_seconds(supervisor):
    queue = make_queue()
    fields = {"queue-0-id": str(queue.pk), "queue-0-ring_seconds": "2"}
    fields["queue-0-timeout_seconds"] = "120"

    response = supervisor.post(
        f"/admin/sessions_app/route/{queue.route.pk}/change/", route_form(queue.route, **fields)
    )

    assert response.status_code == 200
    assert "greater than or equal to 5" in response.content.decode()
    queue.refresh_from_db()
    assert queue.ring_seconds == 5


def test_a_supervisor_orders_and_retires_dispositions_from_their_list(supervisor):
    billing = Disposition.objects.create(label="Billing", position=1)
    other = Disposition.objects.create(label="Other", position=2)

    response = supervisor.post(
        "/admin/sessions_app/disposition/",
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-0-id": str(billing.pk),
            "form-0-position": "3",
            "form-0-is_active": "on",
            "form-1-id": str(other.pk),
            "form-1-position": "2",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    assert list(Disposition.objects.values_list("label", "position", "is_active")) == [
        ("Other", 2, False),
        ("Billing", 3, True),
    ]


def test_a_supervisor_makes_an_agent_who_speaks_what_they_tick(supervisor, bob):
    page = supervisor.get("/admin/sessions_app/agentprofile/add/").content.decode()
    assert 'type="checkbox" name="languages" value="de"' in page

    response = supervisor.post(
        "/admin/sessions_app/agentprofile/add/", {"user": str(bob.pk), "languages": ["de", "en"]}
    )

    assert response.status_code == 302
    profile = AgentProfile.objects.get(user=bob)
    assert (profile.languages, profile.state) == ("en,de", AgentProfile.State.AWAY)


def test_an_agents_state_is_there_to_read_not_to_change(supervisor, bob):
    profile = at_desk(bob, languages="fr,xx", since=300)
    url = f"/admin/sessions_app/agentprofile/{bob.pk}/change/"

    page = supervisor.get(url).content.decode()
    assert "Available for 5" in page
    assert "xx (no longer offered)" in page

    response = supervisor.post(url, {"languages": ["fr"], "state": "away", "user": "1"})

    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.languages, profile.state, profile.user) == ("fr", "available", bob)


def test_the_agents_list_says_who_has_a_console_open(supervisor, alice, bob):
    at_desk(alice, languages="en")
    at_desk(bob, languages="de")
    AgentProfile.objects.filter(user=alice).update(left_at=timezone.now())

    response = supervisor.get("/admin/sessions_app/agentprofile/")

    agents = {agent.user.username: agent.here for agent in response.context["cl"].result_list}
    assert agents == {"alice": True, "bob": False}


def test_a_users_page_has_their_agent_settings(bob, db):
    root = get_user_model().objects.create_superuser("root", password="root-pass-123456")
    client = client_for(root)
    url = f"/admin/auth/user/{bob.pk}/change/"
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {"date_joined_0": "2026-03-26", "date_joined_1": "11:00:00", "groups": []}
    data.pop("last_login", None)
    data.pop("user_permissions", None)
    data |= {"agent_profile-TOTAL_FORMS": "1", "agent_profile-INITIAL_FORMS": "0"}
    data |= {"agent_profile-0-user": str(bob.pk), "agent_profile-0-languages": ["es"]}

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert AgentProfile.objects.get(user=bob).languages == "es"


@pytest.fixture
def inbound(alice):
    answered = filed(inbound_call(alice, waited=8), "Billing question", "Refund")
    missed = missed_call("caller_hung_up", 42, created_at=timezone.now() - timedelta(days=3))
    return answered, missed


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"/admin/sessions_app/queuedcall/{query}")
    assert response.status_code == 200
    return [call.session.kallglot_id for call in response.context["cl"].result_list]


def test_the_inbound_calls_are_listed_and_filtered(supervisor, inbound):
    answered, missed = inbound
    queue = Queue.objects.get()
    on_the_day = "?arrived_at__year=2026&arrived_at__month=3&arrived_at__day=26"

    assert set(listed(supervisor)) == {answered.kallglot_id, missed.kallglot_id}
    assert listed(supervisor, "?outcome__exact=missed") == [missed.kallglot_id]
    assert listed(supervisor, "?missed_reason=caller_hung_up") == [missed.kallglot_id]
    assert len(listed(supervisor, f"?queue__id__exact={queue.pk}")) == 2
    assert listed(supervisor, on_the_day) == [answered.kallglot_id]
    assert listed(supervisor, "?q=%2B4930123456") != []


def test_an_inbound_calls_page_is_a_view(supervisor, inbound):
    answered, _ = inbound
    call = QueuedCall.objects.get(session=answered)
    url = f"/admin/sessions_app/queuedcall/{call.pk}/change/"

    page = supervisor.get(url).content.decode()

    assert "+49 30 123456" in page
    assert "alice" in page  # answered by
    assert f"/admin/sessions_app/callsession/{answered.pk}/change/" in page
    assert 'name="_save"' not in page
    assert supervisor.post(url, {}).status_code == 403
    listing = supervisor.get("/admin/sessions_app/queuedcall/").content.decode()
    assert "caller hung up" in listing
    assert "42 s" in listing


def test_a_calls_admin_page_shows_its_wrap_up_and_copes_without_an_agent(supervisor, inbound):
    answered, missed = inbound

    assert supervisor.get(f"/admin/sessions_app/callsession/{missed.pk}/change/").status_code == 200
    page = supervisor.get(f"/admin/sessions_app/callsession/{answered.pk}/change/").content.decode()
    assert "Billing question" in page
    assert "Refund" in page
    billing = Disposition.objects.get().pk
    query = f"?disposition__id__exact={billing}&within=all"  # the calls are from T0, months ago
    listing = supervisor.get(f"/admin/sessions_app/callsession/{query}")
    assert list(listing.context["cl"].result_list) == [answered]


@pytest.mark.parametrize("model", ["queue", "disposition", "agentprofile", "queuedcall"])
def test_agents_get_none_of_it(alice, model):
    response = client_for(alice).get(f"/admin/sessions_app/{model}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
