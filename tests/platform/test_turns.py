"""A request gives its turn up while it waits outside the worker, but not in a transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from kallglot_web import turns

pytestmark = pytest.mark.django_db(transaction=True)


def another_request_can_run() -> bool:
    taken = turns.semaphore().acquire(blocking=False)
    if taken:
        turns.semaphore().release()
    return taken


def test_waiting_lends_the_turn_and_takes_it_back(settings):
    settings.RUNNING_REQUESTS = 1
    with turns.turn():
        assert not another_request_can_run()
        with turns.waiting():
            assert another_request_can_run()
        assert not another_request_can_run()
    assert another_request_can_run()


def test_waiting_inside_a_transaction_keeps_the_turn(settings):
    # Another request could otherwise wait on this one's locks while holding the turn it
    # needs back.
    settings.RUNNING_REQUESTS = 1
    with turns.turn(), transaction.atomic(), turns.waiting():
        assert not another_request_can_run()


def test_waiting_outside_a_request_changes_nothing(settings):
    settings.RUNNING_REQUESTS = 1
    with turns.waiting():  # management commands, consumers: they hold no turn
        assert another_request_can_run()


def test_no_limit(settings):
    settings.RUNNING_REQUESTS = 0
    assert turns.semaphore() is None
    with turns.turn(), turns.waiting():
        pass
