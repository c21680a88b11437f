"""Who gets through the door of every staff page, GET and POST: the login
with its one-time code (django-otp), the right each area asks for (403
otherwise) and `Cache-Control: private, no-store` on what the page answers.
Every route of the staff face is visited by every kind of user, so a page
that loses its check, or checks the wrong right, fails here."""

import uuid
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import URLPattern, reverse

from etjanst.staff import urls as staff_urls
from tests.organisation.factories import CommitteeFactory
from tests.staff_accounts import PASSWORD, log_in_staff, staff_user

pytestmark = pytest.mark.django_db

THE_LOGIN = {"login", "login_code", "login_enrol", "logout"}
# POST-only views where require_POST stands outside the access check: a GET
# is refused as 405 before anyone is asked to log in.
POST_FIRST = {
    "integration_rotate",
    "integration_endpoint_add",
    "integration_endpoint_change",
    "integration_endpoint_rotate",
    "integration_resend",
    "integration_resend_failed",
}
DUMMY = {"IntConverter": 1, "UUIDConverter": uuid.UUID(int=1), "SlugConverter": "x"}
DUMMY["StringConverter"] = "x"
QUERY = "?flik=mina&namn=%C3%85sa"


def area(name: str) -> str:
    if name.startswith("builder"):
        return "builder"
    if name.startswith("statistics"):
        return "statistics"
    if name.startswith("integration"):
        return "integrations"
    return "cases"


def routes() -> list[URLPattern]:
    return [p for p in staff_urls.urlpatterns if p.name not in THE_LOGIN]


def url_of(pattern: URLPattern) -> str:
    kwargs = {k: DUMMY[type(c).__name__] for k, c in pattern.pattern.converters.items()}
    return reverse(f"staff:{pattern.name}", kwargs=kwargs) + QUERY


# What each kind of user meets in each area: "login" (sent to log in),
# "403" (logged in without the right) or "in" (the page answers).
AREAS = ("cases", "builder", "statistics", "integrations")
# fmt: off
MATRIX = {
    "anonymous":        ("login", "login", "login", "login"),
    "without_code":     ("login", "login", "login", "login"),
    "no_staff_login":   ("login", "login", "login", "login"),
    "officer":          ("in",    "403",   "403",   "403"),
    # Not case staff: the case pages send them to the login, not a 403.
    "eservice_manager": ("login", "in",    "in",    "403"),
    # Sees the whole municipality's statistics, builds nothing.
    "management":       ("login", "403",   "in",    "403"),
    "integrator":       ("login", "403",   "403",   "in"),
    "superuser":        ("in",    "in",    "in",    "in"),
}
# fmt: on


def make_user(kind: str, client) -> None:
    committee = CommitteeFactory(name="Kommunstyrelsen", prefix="KS")
    if kind == "anonymous":
        return
    if kind == "without_code":
        # Password given, one-time code not: logged in but not verified.
        user = get_user_model().objects.create_superuser("admin", "admin@exempelby.se", PASSWORD)
        client.force_login(user)
        return
    if kind == "superuser":
        user = staff_user("admin", role=None)
        user.is_superuser = user.is_staff = True
        user.save()
    elif kind == "no_staff_login":
        user = staff_user("ingen", role=None)
    elif kind == "officer":
        user = staff_user("kerstin", committee=committee)
    elif kind == "eservice_manager":
        user = staff_user("elsa", role="eservice_manager", committee=committee)
    elif kind == "management":
        user = staff_user("maja", role=None)
        user.is_staff = True
        user.save()
        user.user_permissions.add(Permission.objects.get(codename="view_municipality_statistics"))
    elif kind == "integrator":
        user = staff_user("ivar", role=None)
        user.is_staff = True
        user.save()
        user.user_permissions.add(Permission.objects.get(codename="change_apiclient"))
    log_in_staff(client, user)


def expected(kind: str, name: str, method: str) -> str:
    if method == "get" and name in POST_FIRST:
        return "405"
    # The decorator lets the manager in; the page itself refuses the
    # municipality's figures to one who does not see them.
    if kind == "eservice_manager" and name == "statistics_municipality":
        return "403"
    return MATRIX[kind][AREAS.index(area(name))]


def assert_outcome(response, method: str, url: str, outcome: str) -> None:
    where = f"{method.upper()} {url}"
    if outcome == "login":
        assert response.status_code == 302, where
        assert response["Location"] == f"{reverse('staff:login')}?{urlencode({'next': url})}", where
        assert "Cache-Control" not in response, where
    elif outcome == "403":
        assert response.status_code == 403, where
        assert "Du har inte behörighet till sidan" in response.content.decode(), where
        assert "Cache-Control" not in response, where
    elif outcome == "405":
        assert response.status_code == 405, where
        assert "Cache-Control" not in response, where
    else:
        assert response.status_code != 403, where
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("staff:login")), where
        if response.status_code == 404:
            # get_object_or_404 raised inside the page: Django's 404 page.
            assert "Cache-Control" not in response, where
        else:
            assert response["Cache-Control"] == "private, no-store", where


@pytest.mark.parametrize("kind", list(MATRIX))
def test_every_staff_page_lets_in_only_whom_its_area_is_for(client, kind):
    make_user(kind, client)
    for pattern in routes():
        url = url_of(pattern)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert_outcome(response, method, url, expected(kind, pattern.name, method))


def test_every_route_but_the_login_is_in_an_area():
    names = {p.name for p in routes()}
    assert {area(n) for n in names} == set(AREAS)
    assert names >= POST_FIRST
    assert len(names) == len(routes())


@pytest.mark.parametrize(
    ("kind", "name", "text"),
    [
        ("officer", "inbox", "<h1>Inkorg</h1>"),
        ("eservice_manager", "builder", "<h1>Bygg e-tjänster</h1>"),
        ("eservice_manager", "statistics", "<h1>Statistik</h1>"),
        ("integrator", "integrations", "<h1>API-klienter</h1>"),
    ],
)
def test_each_area_opens_for_whom_it_is_for(client, kind, name, text):
    make_user(kind, client)
    response = client.get(reverse(f"staff:{name}"))
    assert response.status_code == 200
    assert text in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_without_the_one_time_code_every_area_asks_for_the_login(client):
    make_user("without_code", client)
    for name in ("inbox", "builder", "statistics", "integrations"):
        url = reverse(f"staff:{name}")
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/handlaggning/logga-in/?next={url.replace('/', '%2F')}"
