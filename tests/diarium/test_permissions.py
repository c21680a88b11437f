"""Only registrars and staff of the request's committee handle a request;
anyone else gets a 404 for the request, its review, its copies and closing it."""

import uuid

import pytest
from django.urls import reverse

from etjanst.diarium.actions import release_documents, submit_document_request
from etjanst.diarium.models import DocumentRequest, Release, RequestStatus
from etjanst.diarium.redaction import Review
from tests.diarium.world import make_world
from tests.staff_accounts import log_in_staff, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = make_world()
    case = world["case"]
    world["request"] = submit_document_request(
        wanted=case.registration_number, delivery="on_site", submission_key=uuid.uuid4()
    )
    world["release"] = release_documents(
        request=world["request"],
        case=case,
        review=Review(fields={"halsa": "OSL 21:1"}),
        staff_user=world["registrar"],
        role="registrar",
    )
    return world


def urls(world) -> dict[str, str]:
    request, release = world["request"], world["release"]
    return {
        "detail": reverse("staff:document_request", args=[request.pk]),
        "review": reverse("staff:document_review", args=[request.pk, world["case"].pk]),
        "copy": reverse("staff:release_pdf", args=[request.pk, release.pk, "kopia"]),
        "decision": reverse("staff:release_pdf", args=[request.pk, release.pk, "beslut"]),
    }


@pytest.mark.parametrize("who", ["registrar", "officer"])
def test_registrars_and_officers_of_the_committee_handle_the_request(client, world, who):
    log_in_staff(client, world[who])
    assert (
        world["request"].registration_number
        in client.get(reverse("staff:document_requests")).content.decode()
    )
    for name, url in urls(world).items():
        assert client.get(url).status_code == 200, name


@pytest.mark.parametrize("who", ["other_officer", "other_registrar"])
def test_staff_of_another_committee_get_404(client, world, who):
    log_in_staff(client, world[who])
    listing = client.get(reverse("staff:document_requests")).content.decode()
    assert world["request"].registration_number not in listing
    for name, url in urls(world).items():
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"q-halsa": ""}).status_code in (404, 405), name
    close = reverse("staff:close_document_request", args=[world["request"].pk])
    assert client.post(close).status_code == 404
    assert DocumentRequest.objects.get().status == RequestStatus.RECEIVED
    assert Release.objects.count() == 1


def test_a_case_outside_ones_scope_cannot_be_reviewed_through_a_request(client, world):
    bn_service_case = make_other_case(world)
    log_in_staff(client, world["registrar"])
    url = reverse("staff:document_review", args=[world["request"].pk, bn_service_case.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


def make_other_case(world):
    from tests.diarium.world import FORM, secret_case
    from tests.eservices.factories import EServiceFactory

    return secret_case(EServiceFactory(committee=world["bn"], form=FORM))


def test_a_global_administrator_handles_every_request(client, world):
    admin = staff_user("ada", role="administrator")
    log_in_staff(client, admin)
    assert client.get(urls(world)["detail"]).status_code == 200


def test_an_eservice_manager_is_not_let_in(client, world):
    manager = staff_user("erik", role="eservice_manager", committee=world["tn"])
    log_in_staff(client, manager)
    response = client.get(urls(world)["detail"])
    assert response.status_code in (302, 404)
    assert world["request"].wanted not in response.content.decode()


def test_visitors_without_login_are_sent_to_the_staff_login(client, world):
    response = client.get(urls(world)["detail"])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))
