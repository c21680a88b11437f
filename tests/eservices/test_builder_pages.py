"""The builder's pages: who may use them, every action as a plain form POST
(no JavaScript), messages next to the field, and escaped texts."""

import pytest
from django.test import Client
from django.urls import reverse

from etjanst.eservices import actions, builder, formedit
from etjanst.eservices.models import EService, EServiceChange
from tests.eservices.builder_forms import token
from tests.eservices.factories import CategoryFactory, EServiceFactory
from tests.organisation.factories import CommitteeFactory
from tests.staff_accounts import log_in_staff, staff_user

pytestmark = pytest.mark.django_db


def _pages(eservice):
    return [
        reverse("staff:builder"),
        reverse("staff:builder_create"),
        reverse("staff:builder_import"),
        reverse("staff:builder_eservice", args=[eservice.pk]),
        reverse("staff:builder_settings", args=[eservice.pk]),
        reverse("staff:builder_add_step", args=[eservice.pk]),
        reverse("staff:builder_step", args=[eservice.pk, "arende"]),
        reverse("staff:builder_add_question", args=[eservice.pk, "arende"]),
        reverse("staff:builder_add_question", args=[eservice.pk, "arende"]) + "?typ=single_choice",
        reverse("staff:builder_question", args=[eservice.pk, "rubrik"]),
        reverse("staff:builder_check", args=[eservice.pk]),
        reverse("staff:builder_versions", args=[eservice.pk]) + "?fran=1&till=1",
        reverse("staff:builder_change_log", args=[eservice.pk]),
        reverse("staff:builder_statuses", args=[eservice.pk]),
        reverse("staff:builder_export", args=[eservice.pk]),
        reverse("staff:builder_copy", args=[eservice.pk]),
        reverse("staff:builder_test", args=[eservice.pk]),
    ]


def test_a_manager_opens_every_builder_page(manager_client, eservice):
    for url in _pages(eservice):
        assert manager_client.get(url).status_code == 200, url


def test_an_officer_may_not_build(client, eservice, committee):
    officer = staff_user("hanna", role="case_officer", committee=committee)
    log_in_staff(client, officer)
    for url in _pages(eservice):
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("staff:builder_change", args=[eservice.pk]),
        {"action": "step_delete", "target": "arende", "token": token(eservice)},
    )
    assert response.status_code == 403
    assert builder.draft_of(eservice) is None


def test_a_manager_of_another_committee_reaches_nothing_of_this_one(client, eservice):
    other = staff_user("annan", role="eservice_manager", committee=CommitteeFactory())
    log_in_staff(client, other)
    assert eservice.name not in client.get(reverse("staff:builder")).content.decode()
    for url in _pages(eservice)[3:]:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("staff:builder_change", args=[eservice.pk]),
        {"action": "step_delete", "target": "arende", "token": token(eservice)},
    )
    assert response.status_code == 404
    assert not EServiceChange.objects.exists()


def test_a_superuser_builds_everything(client, eservice):
    root = staff_user("root", role=None)
    root.is_superuser = True
    root.save()
    log_in_staff(client, root)
    assert client.get(reverse("staff:builder_eservice", args=[eservice.pk])).status_code == 200


def test_catalogue_shows_status_and_open_cases(manager_client, eservice, committee):
    EServiceFactory(committee=committee, name="Ny tjänst", form=False)
    page = manager_client.get(reverse("staff:builder")).content.decode()
    assert "Publicerad" in page and "Utkast" in page and "Ny tjänst" in page


def test_create_an_eservice_through_the_form(manager_client, committee):
    category = CategoryFactory()
    response = manager_client.post(
        reverse("staff:builder_create"),
        {
            "name": "Ansök om bygglov",
            "slug": "bygglov",
            "category": category.pk,
            "committee": committee.pk,
            "short_description": "Ansök om bygglov.",
            "intro_text": "Om bygglov.",
            "login": "none",
            "eid_loa": "http://id.elegnamnden.se/loa/1.0/loa3",
            "draft_retention_days": "90",
            "max_attachments_total_mb": "50",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert EService.objects.filter(slug="bygglov").exists()


def test_add_a_step_and_a_question_by_plain_posts(manager_client, eservice):
    url = reverse("staff:builder_add_step", args=[eservice.pk])
    response = manager_client.post(url, {"title": "Barnet", "token": token(eservice)})
    assert response.status_code == 302
    assert "fokus=step-barnet-add" in response["Location"]
    url = reverse("staff:builder_add_question", args=[eservice.pk, "barnet"])
    response = manager_client.post(
        url,
        {"type": "yes_no", "label": "Har du barn?", "required": "on", "token": token(eservice)},
    )
    assert response.status_code == 302
    assert "fokus=q-har_du_barn-edit" in response["Location"]
    page = manager_client.get(response["Location"]).content.decode()
    assert 'id="q-har_du_barn-edit"' in page and "autofocus" in page


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_stored(manager_client, eservice):
    url = reverse("staff:builder_add_question", args=[eservice.pk, "arende"])
    response = manager_client.post(
        url,
        {"type": "single_choice", "label": "Färg", "choices": "Röd\nRöd", "token": token(eservice)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_choices_error"' in page and "finns två gånger" in page
    assert builder.draft_of(eservice) is None


def test_a_stale_page_gets_a_message_not_a_lost_update(manager_client, eservice, manager):
    stale = token(eservice)
    builder.edit_draft(
        eservice=eservice,
        actor=manager,
        token=stale,
        change=lambda f: formedit.move_question(f, "epost", -1),
    )
    url = reverse("staff:builder_question", args=[eservice.pk, "rubrik"])
    response = manager_client.post(url, {"label": "Ny rubrik", "token": stale})
    assert response.status_code == 400
    assert "Någon annan har ändrat utkastet" in response.content.decode()
    form = builder.draft_of(eservice).form
    assert [q["id"] for q in form["steps"][0]["questions"]] == ["epost", "rubrik"]
    assert form["steps"][0]["questions"][1]["label"] == "Rubrik"


def test_a_stale_step_page_gets_a_message_not_a_lost_update(manager_client, eservice, manager):
    stale = token(eservice)
    builder.edit_draft(
        eservice=eservice,
        actor=manager,
        token=stale,
        change=lambda f: formedit.move_question(f, "epost", -1),
    )
    url = reverse("staff:builder_step", args=[eservice.pk, "arende"])
    response = manager_client.post(url, {"title": "Ny rubrik", "token": stale})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Någon annan har ändrat utkastet" in page
    assert f'name="token" value="{stale}"' in page  # the page keeps its own token
    assert builder.draft_of(eservice).form["steps"][0]["title"] != "Ny rubrik"


def test_a_step_without_a_title_is_shown_at_the_field(manager_client, eservice):
    url = reverse("staff:builder_add_step", args=[eservice.pk])
    response = manager_client.post(url, {"title": "", "token": token(eservice)})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_title_error"' in page and "Skriv en rubrik för steget." in page
    assert builder.draft_of(eservice) is None


def test_a_huge_post_is_refused_without_a_server_error(manager_client, eservice):
    url = reverse("staff:builder_question", args=[eservice.pk, "rubrik"])
    response = manager_client.post(url, {"label": "x" * 5_000_000, "token": token(eservice)})
    assert response.status_code == 400
    assert builder.draft_of(eservice) is None


def test_script_in_a_stored_text_is_shown_escaped(manager_client, eservice):
    form = {
        "steps": [
            {
                "id": "s",
                "title": "<script>alert(1)</script>",
                "questions": [
                    {"id": "q", "type": "short_text", "label": "<img src=x>"},
                    {"id": "q2", "type": "short_text", "label": "<img src=x>"},
                ],
            }
        ]
    }
    actions.add_version(eservice=eservice, form=form)
    for url in (
        reverse("staff:builder_eservice", args=[eservice.pk]),
        reverse("staff:builder_check", args=[eservice.pk]),
        reverse("staff:builder_versions", args=[eservice.pk]) + "?fran=1&till=2",
    ):
        page = manager_client.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x>" not in page
        assert "&lt;script&gt;" in page or "&lt;img" in page


def test_check_page_links_each_finding_to_its_place(manager_client, eservice):
    manager_client.post(
        reverse("staff:builder_add_step", args=[eservice.pk]),
        {"title": "Tomt", "token": token(eservice)},
    )
    page = manager_client.get(reverse("staff:builder_check", args=[eservice.pk])).content.decode()
    assert "Steget «Tomt» har inga frågor." in page
    assert reverse("staff:builder_step", args=[eservice.pk, "tomt"]) in page
    assert "Publicera</button>" not in page


def test_publish_diff_and_restore_through_the_pages(manager_client, eservice):
    manager_client.post(
        reverse("staff:builder_question", args=[eservice.pk, "rubrik"]),
        {"label": "Vad gäller det?", "required": "on", "token": token(eservice)},
    )
    response = manager_client.post(
        reverse("staff:builder_publish", args=[eservice.pk]),
        {"when": "now", "token": token(eservice)},
    )
    assert response.status_code == 302
    assert EService.objects.get(pk=eservice.pk).current_version.number == 2
    page = manager_client.get(
        reverse("staff:builder_versions", args=[eservice.pk]) + "?fran=1&till=2"
    ).content.decode()
    assert "Frågan «Rubrik» heter nu «Vad gäller det?»." in page
    manager_client.post(reverse("staff:builder_restore", args=[eservice.pk, 1]))
    assert builder.draft_of(eservice).form == eservice.versions.get(number=1).form
    log = manager_client.get(reverse("staff:builder_change_log", args=[eservice.pk]))
    assert "Återställde version 1 som nytt utkast." in log.content.decode()


def test_import_shows_every_problem_and_stores_nothing(manager_client, eservice):
    document = actions.export_eservice(eservice=eservice)
    document["slug"] = "importerad"
    document["form"]["steps"][0]["questions"][0]["type"] = "ja_nej"
    del document["short_description"]
    import json

    response = manager_client.post(reverse("staff:builder_import"), {"json": json.dumps(document)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Filen har 2 fel. Inget är sparat." in page
    assert "«ja_nej» är inte tillåtet" in page
    assert not EService.objects.filter(slug="importerad").exists()


def test_the_builder_link_shows_only_for_those_who_build(client, manager_client, committee):
    page = manager_client.get(reverse("staff:builder_import")).content.decode()
    assert 'href="/handlaggning/e-tjanster/">Bygg e-tjänster' in page
    officer = staff_user("olle", role="case_officer", committee=committee)
    log_in_staff(client, officer)
    assert "/handlaggning/e-tjanster/" not in client.get(reverse("staff:inbox")).content.decode()


def test_prefill_from_the_population_register_is_chosen_in_words(
    manager_client, eservice, settings
):
    settings.ETJANST_PREFILL_SOURCES = ["navet"]
    url = reverse("staff:builder_add_question", args=[eservice.pk, "arende"])
    page = manager_client.get(url + "?typ=address").content.decode()
    assert "folkbokföringsadress från folkbokföringen (Navet)" in page
    response = manager_client.post(
        url,
        {
            "type": "address",
            "label": "Din adress",
            "prefill": "navet:address",
            "prefill_locked": "on",
            "token": token(eservice),
        },
    )
    assert response.status_code == 302
    question = formedit.find_question(builder.draft_of(eservice).form, "din_adress")[1]
    assert question["prefill"] == {"source": "navet", "attribute": "address", "locked": True}
    response = manager_client.post(
        reverse("staff:builder_question", args=[eservice.pk, "din_adress"]),
        {"label": "Din adress", "prefill": "navet:children", "token": token(eservice)},
    )
    assert response.status_code == 400
    assert "Välj en uppgift i listan." in response.content.decode()


def test_the_catalogue_reads_a_bounded_number_of_queries(
    manager_client, committee, django_assert_max_num_queries
):
    for _ in range(3):
        EServiceFactory(committee=committee)
    with django_assert_max_num_queries(12) as few:
        manager_client.get(reverse("staff:builder"))
    for _ in range(10):
        EServiceFactory(committee=committee)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = manager_client.get(reverse("staff:builder"))
    assert page.content.decode().count("Publicerad") == 13


def test_publication_status_words(manager, eservice):
    from django.utils import timezone

    now = timezone.now()
    hour = timezone.timedelta(hours=1)
    status = builder.publication_status
    assert status(unpublish_at=None, last_published=None, next_published=None) == "draft"
    assert status(unpublish_at=None, last_published=None, next_published=now + hour) == "scheduled"
    assert status(unpublish_at=None, last_published=now - hour, next_published=None) == "published"
    assert status(unpublish_at=now - hour, last_published=now - hour, next_published=None) == (
        "unpublished"
    )


def test_saving_a_question_unchanged_keeps_a_condition_the_lists_do_not_offer(
    manager_client, eservice
):
    form = {
        "steps": [
            {
                "id": "s",
                "title": "Steg",
                "questions": [
                    {
                        "id": "val",
                        "type": "single_choice",
                        "label": "Val",
                        "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
                    },
                    {
                        "id": "mer",
                        "type": "short_text",
                        "label": "Mer",
                        "visible_if": {"question": "val", "one_of": ["a", "b"]},
                    },
                ],
            }
        ]
    }
    actions.add_version(eservice=eservice, form=form)
    url = reverse("staff:builder_question", args=[eservice.pk, "mer"])
    page = manager_client.get(url).content.decode()
    assert "När «Val» är något av «A, B»" in page
    response = manager_client.post(
        url, {"label": "Mer text", "visible_if": "val:one_of:a,b", "token": token(eservice)}
    )
    assert response.status_code == 302
    question = formedit.find_question(builder.draft_of(eservice).form, "mer")[1]
    assert question["visible_if"] == {"question": "val", "one_of": ["a", "b"]}
    assert question["label"] == "Mer text"


def test_deleting_a_step_with_questions_asks_first(manager_client, eservice):
    url = reverse("staff:builder_change", args=[eservice.pk])
    response = manager_client.post(url, {"action": "step_delete:arende", "token": token(eservice)})
    assert response.status_code == 200
    assert "Steget har 2 frågor. De tas bort med steget." in response.content.decode()
    assert builder.draft_of(eservice) is None
    response = manager_client.post(
        url, {"action": "step_delete:arende", "token": token(eservice), "confirmed": "1"}
    )
    assert response.status_code == 302
    assert builder.draft_of(eservice).form["steps"] == []


def test_a_move_that_cannot_be_made_keeps_focus_on_the_button(manager_client, eservice):
    url = reverse("staff:builder_change", args=[eservice.pk])
    response = manager_client.post(url, {"action": "question_up:rubrik", "token": token(eservice)})
    assert response["Location"].endswith("?fokus=q-rubrik-up")
    page = manager_client.get(response["Location"]).content.decode()
    assert "Frågan kan inte flyttas längre åt det hållet." in page


def test_an_eservice_administrator_logs_in_and_lands_in_the_builder(client, manager):
    from tests.staff_accounts import PASSWORD, current_code

    response = client.post(reverse("staff:login"), {"username": "forvaltare", "password": PASSWORD})
    assert response.status_code == 302
    response = client.post(response["Location"], {"code": current_code(manager)})
    assert response["Location"] == reverse("staff:builder")
    page = client.get(reverse("staff:builder")).content.decode()
    assert "Bygg e-tjänster" in page and reverse("staff:inbox") + '"' not in page.split("<main")[1]
    # The inbox is for case staff only.
    assert client.get(reverse("staff:inbox"))["Location"].startswith(reverse("staff:login"))


def _settings_post(client, eservice, **changes):
    """The settings page as loaded now: its fields and its token."""
    page = client.get(reverse("staff:builder_settings", args=[eservice.pk]))
    form = page.context["form"]
    data = {"revision": page.context["token"]}
    for name in form.fields:
        value = form.initial.get(name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update(changes)
    return data


def test_two_managers_saving_the_settings_lose_no_update(client, eservice, manager):
    """The second save, made on a page loaded before the first save, is
    refused with a message, and the first save stays."""
    log_in_staff(client, manager)
    other = staff_user("olle", role="eservice_manager", committee=eservice.committee)
    second = Client()
    log_in_staff(second, other)
    url = reverse("staff:builder_settings", args=[eservice.pk])
    first_page = _settings_post(client, eservice, name="Ansökan om skolskjuts")
    second_page = _settings_post(second, eservice, short_description="Ändrad av Olle.")

    assert client.post(url, first_page).status_code == 302
    response = second.post(url, second_page)

    assert response.status_code == 400
    assert "Någon annan har ändrat inställningarna sedan du öppnade sidan" in (
        response.content.decode()
    )
    eservice.refresh_from_db()
    assert eservice.name == "Ansökan om skolskjuts"
    assert eservice.short_description != "Ändrad av Olle."
    # Saving the same page again is refused again; a reloaded page saves.
    assert second.post(url, second_page).status_code == 400
    assert second.post(url, _settings_post(second, eservice, contact="x@y.se")).status_code == 302
    eservice.refresh_from_db()
    assert eservice.contact == "x@y.se" and eservice.name == "Ansökan om skolskjuts"


def test_an_import_makes_an_open_settings_page_stale(manager_client, eservice, manager):
    data = _settings_post(manager_client, eservice, contact="x@y.se")
    document = actions.export_eservice(eservice=eservice)
    document["short_description"] = "Importerad."
    actions.import_eservice(data=document, publish=False, actor=manager)
    response = manager_client.post(reverse("staff:builder_settings", args=[eservice.pk]), data)
    assert response.status_code == 400
    eservice.refresh_from_db()
    assert eservice.short_description == "Importerad." and eservice.contact != "x@y.se"
