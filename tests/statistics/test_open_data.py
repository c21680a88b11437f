"""Open data: only e-services that publish, per month, small numbers hidden,
as a page, CSV and JSON, without a login."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from etjanst.statistics import recording
from etjanst.statistics.actions import set_options
from etjanst.statistics.constants import DAY, Measure, Metric
from etjanst.statistics.opendata import months
from tests.eservices.factories import EServiceFactory


@pytest.fixture
def published(db):
    shown = EServiceFactory(name="Ansök om parkeringstillstånd")
    hidden = EServiceFactory(name="Hemlig e-tjänst")
    set_options(eservice=shown, survey=False, open_data=True)
    for eservice in (shown, hidden):
        recording.count(eservice_id=eservice.pk, version=1, metric=Metric.SENT, n=42)
    for days in (2, 4, 4, 6, 10):
        recording.duration(
            eservice_id=shown.pk, version=1, measure=Measure.DECISION, seconds=days * DAY
        )
    return shown


def this_month() -> str:
    return f"{timezone.localdate():%Y-%m}"


def test_the_json_has_only_published_eservices_per_month(client, published):
    data = client.get(reverse("portal:open_data_json")).json()
    names = {row["e_tjanst"] for row in data["rader"]}
    assert names == {"Ansök om parkeringstillstånd"}
    assert len(data["rader"]) == 12
    now = next(row for row in data["rader"] if row["manad"] == this_month())
    assert now["skickade"] == 42
    assert 3 <= now["median_dagar_till_avslut"] <= 5


def test_small_numbers_are_hidden_in_open_data(client, published):
    recording.count(eservice_id=published.pk, version=1, metric=Metric.SENT, n=1, at=_last_year())
    data = client.get(reverse("portal:open_data_json")).json()
    oldest = data["rader"][0]
    assert oldest["skickade"] is None and oldest["median_dagar_till_avslut"] is None
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("portal:open_data_csv")).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rows[1][4] == "färre än 5"
    assert rows[-1][4] == "42"


def test_the_page_shows_the_table_and_links(client, published):
    page = client.get(reverse("portal:open_data")).content.decode()
    assert "Ansök om parkeringstillstånd" in page and "Hemlig e-tjänst" not in page
    assert reverse("portal:open_data_csv") in page


def _last_year():
    """Noon on the 3rd of the oldest month shown."""
    oldest = months()[0]
    return timezone.make_aware(datetime.datetime(oldest.year, oldest.month, 3, 12))
