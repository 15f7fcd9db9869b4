"""/sessions/<id>/: the call's facts, timeline, transcript, recordings and analyses."""

from __future__ import annotations

import uuid

import pytest

from sessions_app.models import Analysis, Recording, SessionEvent
from tests.aftercall.factories import ended_call, with_transcript
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(alice):
    session = with_transcript(ended_call(alice, metadata={"ticket_id": "T-77"}))
    SessionEvent.objects.create(session=session, seq=1, kind="session.ended")
    SessionEvent.objects.create(session=session, seq=2, kind="transcript.segment")
    Recording.objects.create(kallglot_id="rec_D1", session=session, status="ready", format="wav")
    Recording.objects.create(kallglot_id="rec_D2", session=session, status="failed")
    Analysis.objects.create(
        kallglot_id="anl_D1",
        session=session,
        status="completed",
        summary="Order tracking question.",
        performance={"score": 0.9},
    )
    return session


def page(user, call) -> str:
    response = client_for(user).get(f"/sessions/{call.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_everything_about_the_call(alice, call):
    html = page(alice, call)

    assert call.kallglot_id in html
    assert "T-77" in html
    assert "Mi pedido no ha llegado." in html
    assert "My order has not arrived." in html
    recording = call.recordings.get(kallglot_id="rec_D1")
    assert f'src="/recordings/{recording.public_id}/audio"' in html
    assert "This recording could not be made." in html
    assert "Order tracking question." in html
    assert "transcript.txt" in html


def test_the_timeline_leaves_out_captions(alice, call):
    response = client_for(alice).get(f"/sessions/{call.public_id}/")

    assert [e.kind for e in response.context["timeline"]] == ["session.ended"]


def test_the_timeline_says_what_happened_in_plain_words(alice, call):
    SessionEvent.objects.create(session=call, seq=3, kind="recording.ready")
    SessionEvent.objects.create(session=call, seq=4, kind="session.newfangled")

    html = page(alice, call)

    timeline = html[html.index('id="timeline"') : html.index("</ol>", html.index('id="timeline"'))]
    assert "<span>Ended</span>" in timeline
    assert "<span>Recording ready</span>" in timeline
    assert "<span>session.newfangled</span>" in timeline  # a kind without words keeps its name
    assert "session.ended</span>" not in timeline


def test_it_hands_the_page_a_status_socket_ticket(alice, call):
    response = client_for(alice).get(f"/sessions/{call.public_id}/")

    config = response.context["page_config"]
    assert config["status_socket"].startswith(f"/ws/sessions/{call.public_id}/?ticket=")
    assert config["last_event_seq"] == call.last_event_seq


def test_others_get_404_and_supervisors_see_it(bob, charlie, call):
    assert client_for(bob).get(f"/sessions/{call.public_id}/").status_code == 404
    assert "Mi pedido" in page(charlie, call)


def test_an_unknown_call_is_404(alice, db):
    assert client_for(alice).get(f"/sessions/{uuid.uuid4()}/").status_code == 404


def test_a_transcript_missing_locally_is_fetched_from_kallglot(alice, sandbox):
    upstream = sandbox.call("POST", "sessions", json={"mode": "ai_agent"}).json()
    sandbox.call("POST", f"sessions/{upstream['id']}/end")
    session = ended_call(alice, kallglot_id=upstream["id"], transcript_status="")

    page(alice, session)

    session.refresh_from_db()
    assert session.transcript_status == "completed"
    assert session.transcript_fetched_at is not None


def test_an_open_call_can_be_ended_from_its_page(alice):
    open_call = ended_call(alice, status="active", ended_at=None, duration_seconds=None)

    html = page(alice, open_call)

    assert 'id="end-call"' in html


def test_an_ended_call_has_nothing_to_end(alice, call):
    assert 'id="end-call"' not in page(alice, call)
