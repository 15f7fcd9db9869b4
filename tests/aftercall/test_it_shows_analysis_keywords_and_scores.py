"""An analysis's keywords are kept and shown; its performance score is shown on its scale."""

from __future__ import annotations

import pytest

from sessions_app import aftercall
from sessions_app.kallglot import parse_analysis
from sessions_app.models import Analysis
from sessions_app.templatetags.calls import score
from tests.aftercall.factories import ended_call
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

COMPLETED = {
    "id": "anl_K1",
    "object": "analysis",
    "session_id": "sess_F00001",
    "status": "completed",
    "summary": "Order question.",
    "performance": {"score": 0.86},
    "keywords": ["order", "tracking", 7, ""],
}


def test_keywords_are_parsed_kept_and_sent_live(alice):
    call = ended_call(alice)

    analysis = aftercall.analysis_store(call, parse_analysis(COMPLETED))

    assert analysis.keywords == ["order", "tracking"]  # words only
    assert aftercall.analysis_json(analysis)["keywords"] == ["order", "tracking"]


def test_an_analysis_without_keywords_has_none(alice):
    analysis = aftercall.analysis_store(
        ended_call(alice), parse_analysis(COMPLETED | {"keywords": None})
    )

    assert analysis.keywords == []


def test_the_call_page_shows_keywords_and_the_score_out_of_100(alice):
    call = ended_call(alice)
    Analysis.objects.create(
        kallglot_id="anl_K2",
        session=call,
        status="completed",
        performance={"score": 0.86},
        keywords=["order", "tracking"],
    )

    html = client_for(alice).get(f"/sessions/{call.public_id}/").content.decode()

    assert '<span class="keyword">order</span><span class="keyword">tracking</span>' in html
    assert "86 / 100" in html


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.86, "86 / 100"), (1, "100 / 100"), (0, "0 / 100"), (4, "4"), ("high", "high")],
)
def test_a_score_reads_out_of_100(value, shown):
    assert score(value) == shown
