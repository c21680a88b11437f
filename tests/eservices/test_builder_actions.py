"""The builder's actions: edits go to the draft, are logged, keep ids, and
refuse bad input with a Swedish message per field, storing nothing."""

import pytest
from django.utils import timezone

from etjanst.eservices import builder, formedit
from etjanst.eservices.models import EService, EServiceChange
from tests.eservices.builder_forms import edit, token
from tests.eservices.factories import CategoryFactory
from tests.organisation.factories import CommitteeFactory

pytestmark = pytest.mark.django_db


def _add_step(eservice, actor, title="Om dig"):
    made = {}

    def run(form):
        fields = formedit.parse_step_fields(form=form, data={"title": title})
        made["id"], summary = formedit.add_step(form, fields)
        return summary

    edit(eservice, actor, run)
    return made["id"]


def _add_question(eservice, actor, step_id, qtype, **data):
    made = {}

    def run(form):
        new_id = formedit.make_id(
            data.get("label", "") or data.get("text", ""), formedit.all_ids(form)
        )
        question = formedit.parse_question_fields(
            form=form, question_type=qtype, data=data, question_id=new_id
        )
        made["id"] = new_id
        return formedit.add_question(form, step_id, question)

    edit(eservice, actor, run)
    return made["id"]


def _draft_form(eservice):
    return builder.draft_of(eservice).form


def test_an_edit_goes_to_a_new_draft_and_the_published_version_is_unchanged(eservice, manager):
    published = eservice.current_version.form
    step_id = _add_step(eservice, manager, "Barnet")
    draft = builder.draft_of(eservice)
    assert draft.number == 2 and draft.published_at is None
    assert [s["id"] for s in draft.form["steps"]] == ["arende", step_id]
    eservice.refresh_from_db()
    assert EService.objects.get(pk=eservice.pk).current_version.form == published


def test_every_edit_is_in_the_change_log_with_who_and_what(eservice, manager):
    step_id = _add_step(eservice, manager, "Barnet")
    _add_question(eservice, manager, step_id, "yes_no", label="Har du barn?")
    changes = list(EServiceChange.objects.filter(eservice=eservice).order_by("pk"))
    assert [c.summary for c in changes] == [
        "Lade till steget «Barnet».",
        "Lade till frågan «Har du barn?» i steget «Barnet».",
    ]
    assert all(c.actor == manager and c.version_number == 2 for c in changes)


def test_question_ids_are_made_from_the_label_and_kept_when_it_changes(eservice, manager):
    step_id = _add_step(eservice, manager)
    qid = _add_question(eservice, manager, step_id, "short_text", label="Vad heter du?")
    assert qid == "vad_heter_du"
    second = _add_question(eservice, manager, step_id, "short_text", label="Vad heter du?")
    assert second == "vad_heter_du_2"

    def rename(form):
        old = formedit.find_question(form, qid)[1]
        new = formedit.parse_question_fields(
            form=form,
            question_type="short_text",
            data={"label": "Ditt namn"},
            question_id=qid,
            existing=old,
        )
        return formedit.update_question(form, qid, new)

    edit(eservice, manager, rename)
    assert formedit.find_question(_draft_form(eservice), qid)[1]["label"] == "Ditt namn"


def test_a_save_on_a_stale_draft_is_refused_and_nothing_is_lost(eservice, manager):
    old_token = token(eservice)
    _add_step(eservice, manager, "Först")  # another administrator's save
    with pytest.raises(builder.StaleDraft) as refused:
        builder.edit_draft(
            eservice=eservice,
            actor=manager,
            token=old_token,
            change=lambda form: formedit.delete_step(form, "arende"),
        )
    assert "Någon annan har ändrat utkastet" in refused.value.message
    assert [s["title"] for s in _draft_form(eservice)["steps"]] == ["Ditt ärende", "Först"]


def test_moving_copying_and_deleting_steps_and_questions(eservice, manager):
    second = _add_step(eservice, manager, "Två")
    edit(eservice, manager, lambda f: formedit.move_step(f, second, -1))
    assert [s["id"] for s in _draft_form(eservice)["steps"]] == [second, "arende"]
    # Past the top of its step a question moves into the step before.
    edit(eservice, manager, lambda f: formedit.move_question(f, "rubrik", -1))
    form = _draft_form(eservice)
    assert [q["id"] for q in form["steps"][0]["questions"]] == ["rubrik"]
    edit(eservice, manager, lambda f: formedit.copy_question(f, "rubrik")[1])
    form = _draft_form(eservice)
    assert [q["label"] for q in form["steps"][0]["questions"]] == ["Rubrik", "Kopia av Rubrik"]
    assert form["steps"][0]["questions"][1]["id"] == "rubrik_2"
    edit(eservice, manager, lambda f: formedit.delete_question(f, "rubrik_2"))
    edit(eservice, manager, lambda f: formedit.copy_step(f, "arende")[1])
    form = _draft_form(eservice)
    assert [s["title"] for s in form["steps"]] == ["Två", "Ditt ärende", "Kopia av Ditt ärende"]
    with pytest.raises(builder.BuilderError):
        edit(eservice, manager, lambda f: formedit.move_step(f, second, -1))


def test_copying_a_step_points_its_conditions_at_the_copies(eservice, manager):
    step_id = _add_step(eservice, manager, "Barn")
    yes = _add_question(eservice, manager, step_id, "yes_no", label="Har du barn?")
    _add_question(
        eservice, manager, step_id, "short_text", label="Hur många?", visible_if=f"{yes}:equals:yes"
    )
    edit(eservice, manager, lambda f: formedit.copy_step(f, step_id)[1])
    copied = _draft_form(eservice)["steps"][-1]["questions"]
    assert copied[1]["visible_if"] == {"question": copied[0]["id"], "equals": "yes"}
    assert copied[0]["id"] != yes


def test_conditions_are_offered_in_words_only_on_earlier_questions_with_real_choices(
    eservice, manager
):
    step_id = _add_step(eservice, manager)
    yes = _add_question(eservice, manager, step_id, "yes_no", label="Har du barn?")
    later = _add_question(
        eservice, manager, step_id, "single_choice", label="Skola", choices="Norra\nSödra"
    )
    options = formedit.condition_options(_draft_form(eservice), before_question=later)
    texts = [o.text for o in options]
    assert "«Har du barn?» är «Ja»" in texts and "«Har du barn?» är «Nej»" in texts
    assert not any("Skola" in t for t in texts)
    assert "«Rubrik» är ifylld" in texts
    with pytest.raises(builder.BuilderError) as refused:
        formedit.parse_question_fields(
            form=_draft_form(eservice),
            question_type="short_text",
            data={"label": "X", "visible_if": f"{later}:equals:norra"},
            question_id=yes,
            existing={},
        )
    assert "bara tidigare frågor" in refused.value.fields["visible_if"]


@pytest.mark.parametrize(
    ("qtype", "data", "field", "message"),
    [
        ("single_choice", {"label": "Färg", "choices": "Röd\nröd"}, "choices", "finns två gånger"),
        ("short_text", {"label": "Kod", "pattern": "[0-9"}, "pattern", "inget giltigt reguljärt"),
        ("number", {"label": "Antal", "min": "10", "max": "2"}, "min", "inte vara större"),
        ("short_text", {"label": "x" * 5_000_000}, "label", "högst 300 tecken"),
        ("short_text", {"label": "<script>alert(1)</script>"}, "label", "utan HTML-kod"),
        (
            "long_text",
            {"label": "Text", "help_text": "<img src=x onerror=alert(1)>"},
            "help_text",
            "utan HTML-kod",
        ),
        ("file", {"label": "Fil", "file_types": ["exe"]}, "file_types", "Välj filtyper"),
        ("file", {"label": "Fil", "max_size_mb": "500"}, "max_size_mb", "högst 100 MB"),
        ("date", {"label": "Dag", "min_date": "igår"}, "min_date", "ÅÅÅÅ-MM-DD"),
        ("short_text", {"label": ""}, "label", "Skriv frågan"),
        ("info", {"text": ""}, "text", "informationstexten"),
        ("booking", {"label": "Tid"}, "resource", "Välj vad som ska bokas"),
    ],
)
def test_bad_input_gets_a_swedish_message_at_its_field_and_stores_nothing(
    eservice, manager, qtype, data, field, message
):
    step_id = _add_step(eservice, manager)
    before = _draft_form(eservice)
    with pytest.raises(builder.BuilderError) as refused:
        _add_question(eservice, manager, step_id, qtype, **data)
    assert message in refused.value.fields[field]
    assert _draft_form(eservice) == before


def test_a_renamed_choice_keeps_its_value_so_conditions_still_hold(eservice, manager):
    step_id = _add_step(eservice, manager)
    qid = _add_question(
        eservice, manager, step_id, "single_choice", label="Skola", choices="Norra\nSödra"
    )
    values = [c["value"] for c in formedit.find_question(_draft_form(eservice), qid)[1]["choices"]]

    def rename(form):
        old = formedit.find_question(form, qid)[1]
        new = formedit.parse_question_fields(
            form=form,
            question_type="single_choice",
            question_id=qid,
            existing=old,
            data={"label": "Skola", "choices": "Norra skolan\nSödra"},
        )
        return formedit.update_question(form, qid, new)

    edit(eservice, manager, rename)
    choices = formedit.find_question(_draft_form(eservice), qid)[1]["choices"]
    assert [c["value"] for c in choices] == values
    assert choices[0]["label"] == "Norra skolan"


def test_publish_now_makes_the_draft_current_and_logs_who(eservice, manager):
    _add_step(eservice, manager, "Mer")
    _add_question(eservice, manager, "mer", "long_text", label="Berätta mer")
    version = builder.publish_draft(eservice=eservice, actor=manager, token=token(eservice))
    assert version.published_by == manager
    assert EService.objects.get(pk=eservice.pk).current_version.number == version.number
    assert builder.draft_of(eservice) is None
    assert EServiceChange.objects.filter(summary="Publicerade version 2.").exists()


def test_publishing_is_refused_while_the_check_finds_errors(eservice, manager):
    _add_step(eservice, manager, "Tomt steg")
    with pytest.raises(builder.NotPublishable):
        builder.publish_draft(eservice=eservice, actor=manager, token=token(eservice))
    assert builder.draft_of(eservice).published_at is None


def test_a_scheduled_version_is_not_current_until_its_time(eservice, manager):
    _add_step(eservice, manager, "Mer")
    _add_question(eservice, manager, "mer", "long_text", label="Berätta mer")
    at = timezone.now() + timezone.timedelta(days=1)
    version = builder.publish_draft(eservice=eservice, actor=manager, token=token(eservice), at=at)
    assert EService.objects.get(pk=eservice.pk).current_version.number == 1
    builder.cancel_scheduled(eservice=eservice, actor=manager, version=version)
    assert builder.draft_of(eservice).pk == version.pk


def test_unpublishing_hides_the_eservice_from_residents(eservice, manager):
    assert EService.objects.published().filter(pk=eservice.pk).exists()
    builder.schedule_unpublish(eservice=eservice, actor=manager, at=None)
    assert not EService.objects.published().filter(pk=eservice.pk).exists()
    builder.cancel_unpublish(eservice=eservice, actor=manager)
    assert EService.objects.published().filter(pk=eservice.pk).exists()


def test_restore_an_old_version_as_a_new_draft(eservice, manager):
    _add_step(eservice, manager, "Mer")
    _add_question(eservice, manager, "mer", "long_text", label="Berätta mer")
    builder.publish_draft(eservice=eservice, actor=manager, token=token(eservice))
    first = eservice.versions.get(number=1)
    draft = builder.restore_version(eservice=eservice, actor=manager, version=first)
    assert draft.number == 3 and draft.form == first.form


def test_create_and_copy_an_eservice(manager, committee):
    category = CategoryFactory()
    values = {
        "name": "Ansök om bygglov",
        "slug": "bygglov",
        "category": category,
        "committee": committee,
        "short_description": "Ansök om bygglov.",
        "intro_text": "Om bygglov.",
    }
    eservice = builder.create_eservice(
        actor=manager, values=values, may_use_committee=lambda c: True
    )
    assert builder.draft_of(eservice).form == {"steps": []}
    assert not EService.objects.published().filter(pk=eservice.pk).exists()
    copy_ = builder.copy_eservice(
        eservice=eservice,
        actor=manager,
        name="Bygglov 2",
        slug="bygglov-2",
        may_use_committee=lambda c: True,
    )
    assert copy_.committee == committee and copy_.pk != eservice.pk


def test_create_refuses_markup_and_a_committee_one_does_not_build_for(manager, committee):
    values = {
        "name": "<b>Fel</b>",
        "slug": "fel",
        "category": CategoryFactory(),
        "committee": CommitteeFactory(),
        "short_description": "x",
        "intro_text": "y",
    }
    with pytest.raises(builder.BuilderError) as refused:
        builder.create_eservice(
            actor=manager, values=values, may_use_committee=lambda c: c == committee
        )
    assert "committee" in refused.value.fields
    with pytest.raises(builder.BuilderError) as refused:
        builder.create_eservice(actor=manager, values=values, may_use_committee=lambda c: True)
    assert "HTML-kod" in refused.value.fields["name"]
    assert not EService.objects.filter(slug="fel").exists()


def test_a_form_with_the_confirmation_off_sends_none():
    from etjanst.eservices.formschema import parse_form
    from etjanst.eservices.presentation import confirmation_email

    form = {
        "steps": [
            {"id": "s", "title": "S", "questions": [{"id": "e", "type": "email", "label": "E"}]}
        ]
    }
    answers = {"e": "a@example.se"}
    assert confirmation_email(parse_form(form), answers) == "a@example.se"
    assert confirmation_email(parse_form({**form, "confirmation_email": False}), answers) is None


def test_only_a_scheduled_version_waits_for_its_time(eservice, manager, time_machine):
    # A version published now stays current even if the clock is set back
    # (tests and clock corrections): only scheduled versions compare times.
    time_machine.move_to(timezone.now() - timezone.timedelta(days=400))
    assert EService.objects.get(pk=eservice.pk).current_version.number == 1
    assert EService.objects.published().filter(pk=eservice.pk).exists()
