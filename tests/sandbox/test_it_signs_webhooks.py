"""Webhooks are signed per §4.5; the check here is an independent HMAC implementation."""

from __future__ import annotations

import re
import time

from django.conf import settings

from tests.sandbox.receiver import signature_ok, signature_parts


def test_it_signs_the_raw_body_and_sends_the_delivery_headers(sandbox_api, receiver):
    session = sandbox_api.create_session(metadata={"ticket": "T-1"})

    delivery = receiver.wait_for(lambda got: len(got) >= 1)[0]

    headers = delivery.headers
    assert headers["content-type"] == "application/json"
    assert signature_ok(
        settings.KALLGLOT_WEBHOOK_SECRET, headers["kallglot-signature"], delivery.body
    )
    parts = signature_parts(headers["kallglot-signature"])
    assert re.fullmatch(r"[0-9a-f]{64}", parts["v1"])
    assert abs(int(parts["t"]) - time.time()) < 10
    assert re.fullmatch(r"wh_del_[0-9A-Z]{26}", headers["kallglot-webhook-id"])
    assert headers["kallglot-retry-count"] == "0"
    assert abs(int(headers["kallglot-original-timestamp"]) - time.time()) < 10
    event = delivery.event
    assert re.fullmatch(r"evt_[0-9A-Z]{26}", event["id"])
    assert (event["type"], event["api_version"]) == ("session.created", "v1")
    assert event["created_at"].endswith("Z")
    assert event["data"]["id"] == session["id"]
    assert event["data"]["status"] == "created"
    assert event["data"]["metadata"] == {"ticket": "T-1"}
    assert "stream" not in event["data"]


def test_it_fails_verification_for_another_body_or_secret(sandbox_api, receiver):
    sandbox_api.create_session()
    delivery = receiver.wait_for(lambda got: len(got) >= 1)[0]
    header = delivery.headers["kallglot-signature"]

    assert signature_ok(settings.KALLGLOT_WEBHOOK_SECRET, header, delivery.body)
    assert not signature_ok(settings.KALLGLOT_WEBHOOK_SECRET, header, delivery.body + b" ")
    assert not signature_ok("whsec_someone_else", header, delivery.body)
