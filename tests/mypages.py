"""Making cases owned by a resident without going through the pages."""

import uuid

from etjanst.people.actions import resident_for
from etjanst.submissions.actions import submit_form
from tests.login import ANNA


def owned_case(eservice, person=ANNA, answers=None, **kwargs):
    return submit_form(
        version=eservice.current_version,
        answers=answers or {"rubrik": "Trasig lampa", "epost": "anna@example.se"},
        upload_owner="",
        submission_key=uuid.uuid4(),
        owner=resident_for(person=person),
        **kwargs,
    )
