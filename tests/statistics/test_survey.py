"""The satisfaction survey on the receipt: asked only when the e-service
asks it, once per receipt, kept without the case or the person, the comment
made plain text."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from etjanst.cases.models import Case
from etjanst.statistics.actions import clean_comment, set_options
from etjanst.statistics.constants import Metric
from etjanst.statistics.models import DailyCount, SurveyComment
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start, submit
from tests.staff_accounts import log_in_staff, staff_user


@pytest.fixture
def sent(client, db):
    eservice = EServiceFactory()
    set_options(eservice=eservice, survey=True, open_data=False)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Gatlampa"})
    receipt = submit(client, eservice)["Location"]
    return eservice, receipt


def survey_url(receipt: str) -> str:
    return receipt + "omdome/"


def test_the_receipt_asks_and_the_answer_is_kept_without_the_case(client, sent):
    eservice, receipt = sent
    page = client.get(receipt).content.decode()
    assert "Vad tyckte du om e-tjänsten?" in page
    response = client.post(survey_url(receipt), {"rating": "4", "comment": "Lätt att fylla i."})
    assert response.status_code == 302
    rating = DailyCount.objects.get(metric=Metric.RATING)
    assert (rating.eservice, rating.key, rating.count) == (eservice, "4", 1)
    comment = SurveyComment.objects.get()
    assert comment.text == "Lätt att fylla i." and comment.month.day == 1
    case = Case.objects.get()
    for row in (rating, comment):
        values = " ".join(str(v) for v in row.__dict__.values())
        assert case.registration_number not in values and case.receipt_token not in values
    assert "Vad tyckte du om e-tjänsten?" not in client.get(receipt).content.decode()


def test_one_answer_per_receipt(client, sent):
    _eservice, receipt = sent
    client.post(survey_url(receipt), {"rating": "5"})
    client.post(survey_url(receipt), {"rating": "1"})
    assert list(DailyCount.objects.filter(metric=Metric.RATING).values_list("key", "count")) == [
        ("5", 1)
    ]


def test_a_missing_rating_is_refused_with_a_message(client, sent):
    _eservice, receipt = sent
    response = client.post(survey_url(receipt), {"rating": "9", "comment": "Hej"})
    assert response.status_code == 400
    assert "Välj ett betyg från 1 till 5." in response.content.decode()
    assert not DailyCount.objects.filter(metric=Metric.RATING).exists()
    assert not SurveyComment.objects.exists()


def test_no_survey_unless_the_eservice_asks(client, sent):
    eservice, receipt = sent
    set_options(eservice=eservice, survey=False, open_data=False)
    assert "Vad tyckte du om e-tjänsten?" not in client.get(receipt).content.decode()
    client.post(survey_url(receipt), {"rating": "3"})
    assert not DailyCount.objects.filter(metric=Metric.RATING).exists()


def test_another_browser_cannot_answer_for_a_receipt(client, sent):
    _eservice, receipt = sent
    assert Client().post(survey_url(receipt), {"rating": "1"}).status_code == 404
    assert not DailyCount.objects.filter(metric=Metric.RATING).exists()


def test_a_comment_loses_markup_addresses_and_long_numbers():
    text = clean_comment(
        "<script>alert(1)</script><b>Bra</b> men ring 070-123 45 67 eller "
        "anna@example.se, jag är 19121212-1212."
    )
    assert "<" not in text and "alert" not in text
    assert "anna@example.se" not in text and "1212" not in text and "123 45" not in text
    assert text.startswith("Bra men ring […]")


def test_the_comment_is_escaped_on_the_statistics_page(client, sent):
    eservice, _receipt = sent
    for n in range(5):
        SurveyComment.objects.create(
            eservice=eservice,
            version=1,
            month=timezone.localdate().replace(day=1),
            text=f"a < b & c {n}",
        )
    staff = staff_user("f", role="eservice_manager", eservice=eservice)
    log_in_staff(client, staff)
    page = client.get(reverse("staff:statistics_eservice", args=[eservice.pk])).content.decode()
    assert "a &lt; b &amp; c 0" in page
