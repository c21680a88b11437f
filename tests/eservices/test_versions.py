"""Publishing a new version never changes what a started form or a sent case uses."""

import copy

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from etjanst.cases.models import Case
from etjanst.eservices import actions
from tests.eservices.factories import SIMPLE_FORM, EServiceFactory
from tests.filling import post_step, start, submit
from tests.staff_accounts import log_in_admin

pytestmark = pytest.mark.django_db


def test_a_started_form_keeps_its_version_and_a_case_keeps_it_too(client):
    eservice = EServiceFactory()
    first = eservice.current_version
    start(client, eservice)
    changed = copy.deepcopy(SIMPLE_FORM)
    changed["steps"][0]["questions"].append(
        {"id": "ny", "type": "short_text", "label": "Ny fråga", "required": True}
    )
    second = actions.add_version(eservice=eservice, form=changed, publish=True)
    # The started form goes on without the new required question.
    post_step(client, eservice, 1, {"q_rubrik": "Hej"})
    submit(client, eservice)
    case = Case.objects.get()
    assert case.version == first
    # A new resident gets the new version.
    other = client.__class__()
    start(other, eservice)
    page = other.get(reverse("portal:step", args=[eservice.slug, 1]))
    assert "Ny fråga" in page.content.decode()
    assert second.number == 2


def test_a_published_version_cannot_be_changed():
    version = EServiceFactory().current_version
    version.form = {"steps": []}
    with pytest.raises(ValueError):
        version.save()


def test_import_is_idempotent_and_publishes_changes_as_new_versions():
    data = actions.export_eservice(eservice=EServiceFactory(slug="import-test"))
    eservice, version = actions.import_eservice(data=data)
    assert version is None
    data["form"]["steps"][0]["title"] = "Ny rubrik"
    eservice, version = actions.import_eservice(data=data)
    assert version.number == 2
    assert eservice.current_version == version


def test_admin_refuses_an_invalid_form_with_a_clear_message(client):
    admin = get_user_model().objects.create_superuser("admin", "a@example.se", "pw")
    log_in_admin(client, admin)
    eservice = EServiceFactory()
    response = client.post(
        reverse("admin:eservices_eserviceversion_add"),
        {"eservice": eservice.pk, "number": 2, "form": '{"steps": [{"id": "x"}]}'},
    )
    assert response.status_code == 200
    assert "Fel i formuläret" in response.content.decode()
    assert eservice.versions.count() == 1
    response = client.post(
        reverse("admin:eservices_eserviceversion_add"),
        {"eservice": eservice.pk, "number": 2, "form": "{inte json"},
    )
    assert eservice.versions.count() == 1
    response = client.post(
        reverse("admin:eservices_eserviceversion_add"),
        {
            "eservice": eservice.pk,
            "number": 2,
            "form": '{"steps": [{"id": "a", "title": "A", "questions": [{"id": "b", "type": "short_text", "label": "B"}]}]}',
        },
    )
    assert response.status_code == 302
    assert eservice.versions.count() == 2


def test_admin_pages_open(client):
    admin = get_user_model().objects.create_superuser("admin", "a@example.se", "pw")
    log_in_admin(client, admin)
    version = EServiceFactory().current_version
    for url in [
        reverse("admin:eservices_eservice_changelist"),
        reverse("admin:eservices_eservice_change", args=[version.eservice.pk]),
        reverse("admin:eservices_eserviceversion_change", args=[version.pk]),
        reverse("admin:django_tasks_database_dbtaskresult_changelist"),
    ]:
        assert client.get(url).status_code == 200, url


def test_admin_exports_an_eservice_as_json_that_imports_back(client):
    import json

    admin = get_user_model().objects.create_superuser("admin", "a@example.se", "pw")
    log_in_admin(client, admin)
    eservice = EServiceFactory(slug="export-mig")
    response = client.post(
        reverse("admin:eservices_eservice_changelist"),
        {"action": "export_json", "_selected_action": [eservice.pk]},
    )
    assert response["Content-Disposition"] == 'attachment; filename="export-mig.json"'
    data = json.loads(response.content)
    assert data["form"] == SIMPLE_FORM
    assert actions.import_eservice(data=data) == (eservice, None)


def test_import_updates_names_and_refuses_invalid_documents():
    from django.core.exceptions import ValidationError

    data = actions.export_eservice(
        eservice=EServiceFactory(slug="namn-test", committee__prefix="KS")
    )
    data["committee"]["name"] = "Kommunstyrelsen (nytt namn)"
    data["category"]["name"] = "Ny kategori"
    eservice, _version = actions.import_eservice(data=data)
    eservice.refresh_from_db()
    assert eservice.committee.name == "Kommunstyrelsen (nytt namn)"
    assert eservice.category.name == "Ny kategori"
    data["short_description"] = "x" * 301
    with pytest.raises(ValidationError):
        actions.import_eservice(data=data)
    eservice.refresh_from_db()
    assert len(eservice.short_description) <= 300
