"""A customer the agent dialled leaves their number in the call's customer number, its outbound
call record, and Twilio's status callbacks (stored form-encoded: To, Called). An erasure by that
number removes it from all of them; the record's facts (outcome, CallSid) stay, and the call's
events never held it."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from sessions_app import privacy
from sessions_app.models import CallSession, OutboundCall
from tests.conftest import client_for
from tests.privacy.calls import rows_containing
from tests.telephony.test_it_dials_a_customer import callback, dial, status_path, twilio_posts

# The outbound line and Twilio's requests to the discard port, as fixtures:
from tests.telephony.test_it_dials_a_customer import line as line
from tests.telephony.test_it_dials_a_customer import nowhere as nowhere

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER = "+4917612340002"


def leftovers(number: str) -> list[str]:
    """Every row holding the number, as stored or form-encoded."""
    return rows_containing(number) + rows_containing(quote(number))


def test_an_erasure_forgets_a_dialled_customers_number(sandbox, alice, charlie, line, nowhere):
    client = client_for(alice)
    session = CallSession.objects.get(public_id=dial(client, line, CUSTOMER).json()["id"])
    call = OutboundCall.objects.get(session=session)
    for sequence, status in enumerate(("initiated", "ringing", "busy")):
        form = callback(call, status, sequence) | {"Called": CUSTOMER}
        assert twilio_posts(client, status_path(session), form).status_code == 204
    assert leftovers(CUSTOMER)

    report = privacy.erase_customer(number=CUSTOMER, actor=charlie)

    assert leftovers(CUSTOMER) == []
    assert report.record.calls == 1
    call.refresh_from_db()
    assert (call.number, call.outcome, call.call_sid) == ("", "busy", call.call_sid)
