"""The statistics pages: who sees what, small numbers hidden, every figure
as CSV, bad periods refused with a message."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from etjanst.statistics import recording
from etjanst.statistics.constants import Metric
from etjanst.statistics.models import EServiceOptions
from tests.eservices.factories import EServiceFactory
from tests.organisation.factories import CommitteeFactory
from tests.staff_accounts import log_in_staff, staff_user

from .factories import record_days


@pytest.fixture
def world(db):
    social, building = CommitteeFactory(), CommitteeFactory()
    mine = EServiceFactory(committee=social, name="Ansök om bidrag")
    other = EServiceFactory(committee=building, name="Bygglov")
    record_days(mine)
    record_days(other)
    return {"social": social, "building": building, "mine": mine, "other": other}


def page(client, name, *args, **query):
    return client.get(reverse(f"staff:{name}", args=args), query)


def test_an_eservice_administrator_sees_only_their_eservices(client, world):
    user = staff_user("forvaltare", role="eservice_manager", eservice=world["mine"])
    log_in_staff(client, user)
    assert page(client, "statistics_eservice", world["mine"].pk).status_code == 200
    assert page(client, "statistics_eservice", world["other"].pk).status_code == 404
    assert page(client, "statistics_committee", world["social"].pk).status_code == 404
    assert page(client, "statistics_municipality").status_code == 403
    index = page(client, "statistics").content.decode()
    assert "Ansök om bidrag" in index and "Bygglov" not in index


def test_a_committee_administrator_sees_the_committee_and_its_eservices(client, world):
    user = staff_user("nämndadmin", role="administrator", committee=world["social"])
    log_in_staff(client, user)
    assert page(client, "statistics_committee", world["social"].pk).status_code == 200
    assert page(client, "statistics_eservice", world["mine"].pk).status_code == 200
    assert page(client, "statistics_committee", world["building"].pk).status_code == 404
    assert page(client, "statistics_eservice", world["other"].pk).status_code == 404


def test_case_officers_see_no_statistics(client, world):
    user = staff_user("handlaggare", role="case_officer", committee=world["social"])
    log_in_staff(client, user)
    assert page(client, "statistics").status_code == 403
    assert page(client, "statistics_eservice", world["mine"].pk).status_code == 403
    assert "/handlaggning/statistik/" not in client.get(reverse("staff:inbox")).content.decode()


def test_management_sees_the_whole_municipality_with_the_permission(client, world):
    user = staff_user("kommundirektor", role="case_officer", committee=world["social"])
    user.user_permissions.add(Permission.objects.get(codename="view_municipality_statistics"))
    log_in_staff(client, user)
    response = page(client, "statistics_municipality", per="vecka")
    assert response.status_code == 200
    table = response.context["report"].figure("per_etjanst")
    assert [row[0] for row in table.rows] == ["Ansök om bidrag", "Bygglov"] or [
        row[0] for row in table.rows
    ] == ["Bygglov", "Ansök om bidrag"]
    overview = dict(response.context["report"].figure("oversikt").rows)
    assert overview["Skickade"] == "240"  # 2 e-services × 10 days × 12


def test_not_logged_in_goes_to_the_login(client, world):
    response = page(client, "statistics_eservice", world["mine"].pk)
    assert response.status_code == 302 and reverse("staff:login") in response["Location"]


@pytest.fixture
def manager(client, world):
    log_in_staff(
        client, staff_user("forvaltare", role="eservice_manager", committee=world["social"])
    )
    return client


def test_the_eservice_page_shows_the_figures(manager, world):
    response = page(manager, "statistics_eservice", world["mine"].pk)
    report = response.context["report"]
    overview = dict(report.figure("oversikt").rows)
    assert overview["Påbörjade"] == "200" and overview["Skickade"] == "120"
    assert overview["Andel som skickade av dem som började"] == "60 %"
    funnel = report.figure("tratt").rows
    assert funnel[0][:2] == ["Påbörjade", "200"] and funnel[-1][:2] == ["Skickade", "120"]
    errors = report.figure("felmeddelanden").rows
    assert errors == [["Rubrik", "Fyll i rubriken.", "70"]]
    body = response.content.decode()
    assert "<svg" in body and 'role="img"' in body and "<desc" in body


def test_counts_under_five_are_shown_as_fewer_than_five(manager, world):
    recording.count(eservice_id=world["mine"].pk, version=1, metric=Metric.DRAFT_SAVED, n=3)
    response = page(manager, "statistics_eservice", world["mine"].pk)
    overview = dict(response.context["report"].figure("oversikt").rows)
    assert overview["Sparade som utkast"] == "färre än 5"
    csv_text = page(manager, "statistics_eservice", world["mine"].pk, csv="oversikt")
    rows = list(csv.reader(io.StringIO(csv_text.content.decode("utf-8-sig")), delimiter=";"))
    assert ["Sparade som utkast", "färre än 5"] in rows


def test_the_smallest_number_shown_is_a_setting(manager, world, settings):
    settings.ETJANST_STATISTICS_MIN_COUNT = 500
    response = page(manager, "statistics_eservice", world["mine"].pk)
    overview = dict(response.context["report"].figure("oversikt").rows)
    assert overview["Skickade"] == "färre än 500"
    assert overview["Mediantid att fylla i"] == "–"


def test_every_figure_downloads_as_csv(manager, world):
    response = page(manager, "statistics_eservice", world["mine"].pk)
    for figure in response.context["report"].figures:
        download = page(manager, "statistics_eservice", world["mine"].pk, csv=figure.name)
        assert download.status_code == 200
        assert download["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == figure.headers


def test_a_bad_period_is_refused_with_a_message(manager, world):
    response = page(
        manager, "statistics_eservice", world["mine"].pk, fran="2026-12-31", till="2026-01-01"
    )
    assert response.status_code == 400
    assert "Slutdatumet får inte vara före startdatumet." in response.content.decode()
    response = page(manager, "statistics_eservice", world["mine"].pk, fran="igår")
    assert response.status_code == 400
    assert "ÅÅÅÅ-MM-DD" in response.content.decode()


def test_weeks_and_months_group_the_days(manager, world):
    response = page(manager, "statistics_eservice", world["mine"].pk, per="manad")
    series = response.context["report"].figure("tidsserie").rows
    assert sum(int(row[2]) for row in series if row[2].isdigit()) == 120


def test_the_administrator_turns_on_the_survey(manager, world):
    url = reverse("staff:statistics_eservice", args=[world["mine"].pk])
    response = manager.post(url, {"survey": "on"})
    assert response.status_code == 302
    options = EServiceOptions.objects.get(eservice=world["mine"])
    assert options.survey and not options.open_data


def test_a_case_officer_cannot_change_the_choices(client, world):
    log_in_staff(client, staff_user("h", role="case_officer", committee=world["social"]))
    url = reverse("staff:statistics_eservice", args=[world["mine"].pk])
    assert client.post(url, {"survey": "on"}).status_code == 403
    assert not EServiceOptions.objects.exists()


def test_management_reads_but_does_not_change_the_choices(client, world):
    user = staff_user("kommundirektor", role="case_officer", committee=world["social"])
    user.user_permissions.add(Permission.objects.get(codename="view_municipality_statistics"))
    log_in_staff(client, user)
    url = reverse("staff:statistics_eservice", args=[world["other"].pk])
    page = client.get(url)
    assert page.status_code == 200 and "Val för statistiken" not in page.content.decode()
    assert client.post(url, {"open_data": "on"}).status_code == 403
    assert not EServiceOptions.objects.exists()


def test_how_they_came_is_named_as_the_login_page_names_it(manager, world):
    recording.count(eservice_id=world["mine"].pk, version=1, metric=Metric.SENT, key="none", n=6)
    response = page(manager, "statistics_eservice", world["mine"].pk)
    rows = {row[0]: row for row in response.context["report"].figure("inloggning").rows}
    assert rows["BankID"][2] == "120" and rows["Utan inloggning"][2] == "6"
    assert rows["BankID"][3] == "95 %"
