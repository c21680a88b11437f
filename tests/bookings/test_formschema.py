import pytest
from django.core.exceptions import ValidationError

from etjanst.eservices.formschema import validate_form_json
from tests.bookings.factories import BOOKING_FORM, ResourceFactory, booking_form

pytestmark = pytest.mark.django_db


def test_a_booking_question_must_name_a_resource_that_exists():
    with pytest.raises(ValidationError, match="resource"):
        validate_form_json(BOOKING_FORM)  # no resource at all
    resource = ResourceFactory()
    form = booking_form(resource)
    validate_form_json(form)
    resource.delete()
    with pytest.raises(ValidationError, match="som inte finns"):
        validate_form_json(form)
