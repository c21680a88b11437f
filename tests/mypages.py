"""Making cases owned by a resident without going through the pages."""

import uuid

from etjanst.cases.actions import submit_case
from etjanst.people.actions import resident_for

from .login import ANNA


def owned_case(eservice, person=ANNA, answers=None, **kwargs):
    return submit_case(
        version=eservice.current_version,
        answers=answers or {"rubrik": "Trasig lampa", "epost": "anna@example.se"},
        upload_owner="",
        submission_key=uuid.uuid4(),
        owner=resident_for(person=person),
        **kwargs,
    )
