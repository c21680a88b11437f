"""Operating messages (driftmeddelanden): shown inside their time window, on
the pages of their scope only, as one cached read per request."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from etjanst.content.constants import Level, Scope
from etjanst.content.models import OperatingMessage
from tests.content.factories import OperatingMessageFactory
from tests.eservices.factories import EServiceFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
START = dt.datetime(2026, 3, 2, 6, 0, tzinfo=STOCKHOLM)
END = dt.datetime(2026, 3, 2, 18, 0, tzinfo=STOCKHOLM)


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("now", "shown"),
    [
        (START - dt.timedelta(minutes=1), False),
        (START, True),
        (END - dt.timedelta(minutes=1), True),
        (END, False),
        (END + dt.timedelta(days=1), False),
    ],
)
def test_a_message_shows_only_inside_its_window(client, now, shown):
    OperatingMessageFactory(text="Planerat underhåll i dag", starts_at=START, ends_at=END)
    with time_machine.travel(now, tick=False):
        html = text(client.get("/"))
    assert ("Planerat underhåll i dag" in html) is shown


def test_a_message_without_an_end_shows_until_removed(client):
    message = OperatingMessageFactory(text="Tills vidare", starts_at=START, ends_at=None)
    with time_machine.travel(START + dt.timedelta(days=400), tick=False):
        assert "Tills vidare" in text(client.get("/"))
        message.delete()
        assert "Tills vidare" not in text(client.get("/"))


def test_the_banner_says_the_level_in_words_and_the_end_in_swedish_time(client):
    OperatingMessageFactory(
        level=Level.DISRUPTION, text="BankID fungerar inte", starts_at=START, ends_at=END
    )
    with time_machine.travel(START, tick=False):
        html = text(client.get("/"))
    assert 'aria-label="Driftmeddelanden"' in html
    assert '<strong class="operating-message-level">Störning:</strong>' in html
    assert "Gäller till 2 mars kl. 18:00." in html  # Europe/Stockholm, not UTC


def test_the_most_serious_message_comes_first(client):
    OperatingMessageFactory(level=Level.INFORMATION, text="Nytt i e-tjänsterna")
    OperatingMessageFactory(level=Level.DISRUPTION, text="Inloggningen ligger nere")
    OperatingMessageFactory(level=Level.WARNING, text="Långsamt i kväll")
    html = text(client.get("/"))
    assert (
        html.index("Inloggningen ligger nere")
        < html.index("Långsamt i kväll")
        < html.index("Nytt i e-tjänsterna")
    )


def test_an_eservice_message_shows_on_that_eservices_pages_only(client):
    bygglov = EServiceFactory(slug="bygglov")
    other = EServiceFactory(slug="skolskjuts")
    OperatingMessageFactory(scope=Scope.ESERVICE, eservice=bygglov, text="Handläggningen dröjer")
    assert "Handläggningen dröjer" in text(client.get(reverse("portal:intro", args=["bygglov"])))
    client.post(reverse("portal:start", args=["bygglov"]))
    assert "Handläggningen dröjer" in text(client.get(reverse("portal:step", args=["bygglov", 1])))
    assert "Handläggningen dröjer" not in text(
        client.get(reverse("portal:intro", args=[other.slug]))
    )
    assert "Handläggningen dröjer" not in text(client.get("/"))
    assert "Handläggningen dröjer" not in text(client.get("/logga-in/"))


def test_an_eid_message_shows_on_the_login_pages_only(client, settings):
    settings.ETJANST_EID_METHODS = ["bankid"]
    eservice = EServiceFactory()
    OperatingMessageFactory(scope=Scope.EID, eid_method="bankid", text="BankID har störningar")
    assert "BankID har störningar" in text(client.get("/logga-in/"))
    assert "BankID har störningar" in text(client.get("/logga-in/bankid/?next=/"))
    assert "BankID har störningar" not in text(client.get("/"))
    assert "BankID har störningar" not in text(
        client.get(reverse("portal:intro", args=[eservice.slug]))
    )


def test_a_message_shows_on_error_pages_too(client):
    OperatingMessageFactory(text="Hela webbplatsen är långsam")
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "Hela webbplatsen är långsam" in text(response)


def test_english_text_with_swedish_as_fallback(client):
    OperatingMessageFactory(text="Underhåll i kväll", text_en="Maintenance tonight")
    OperatingMessageFactory(text="Bara på svenska")
    client.cookies["django_language"] = "en"
    html = text(client.get("/"))
    assert "Maintenance tonight" in html and "Underhåll i kväll" not in html
    assert "Bara på svenska" in html


def test_a_saved_message_shows_at_once_and_pages_then_read_the_cache_only(client):
    client.get("/")  # the cache now holds a snapshot without the message
    OperatingMessageFactory(text="Nytt meddelande")
    assert "Nytt meddelande" in text(client.get("/"))
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    content_tables = ("content_operatingmessage", "content_sitesettings", "content_informationpage")
    assert not [q["sql"] for q in queries if any(t in q["sql"] for t in content_tables)]


def test_a_page_reads_the_snapshot_at_most_once_from_the_database(client):
    OperatingMessageFactory(text="Något")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    message_queries = [q for q in queries if "content_operatingmessage" in q["sql"]]
    assert len(message_queries) == 1


@pytest.mark.parametrize(
    ("fields", "field_with_error"),
    [
        ({"scope": Scope.ESERVICE}, "eservice"),
        ({"scope": Scope.EID, "eid_method": "finns-inte"}, "eid_method"),
        ({"scope": Scope.SITE, "closes_eservice": True}, "closes_eservice"),
        ({"ends_at": START - dt.timedelta(hours=1)}, "ends_at"),
    ],
)
def test_an_inconsistent_message_is_refused_with_a_swedish_message(fields, field_with_error):
    message = OperatingMessage(text="Hej", starts_at=START, **fields)
    with pytest.raises(ValidationError) as error:
        message.full_clean()
    assert field_with_error in error.value.message_dict


def test_the_database_refuses_a_closure_without_an_eservice():
    with pytest.raises(IntegrityError):
        OperatingMessage.objects.create(text="Stängt", scope=Scope.SITE, closes_eservice=True)
