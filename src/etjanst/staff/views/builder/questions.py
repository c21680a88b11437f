"""Adding and changing a question: first the kind of answer, then the
fields of that type."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etjanst.bookings.models import Resource
from etjanst.eservices import builder, formedit
from etjanst.eservices.filetypes import KINDS
from etjanst.people.access import may_build
from etjanst.prefill.registry import prefill_sources

from ..access import staff_view
from .base import eservice_for, saved_to_draft
from .steps import LongSelect

FIELD_LABELS = {
    "label": (gettext_lazy("Fråga"), gettext_lazy("Det invånaren ser som frågans rubrik.")),
    "help_text": (gettext_lazy("Hjälptext"), gettext_lazy("Visas under frågan. Frivillig.")),
    "text": (gettext_lazy("Text"), gettext_lazy("Informationen som visas.")),
    "required": (gettext_lazy("Frågan måste besvaras"), ""),
    "min_length": (gettext_lazy("Minsta antal tecken"), ""),
    "max_length": (gettext_lazy("Högsta antal tecken"), ""),
    "pattern": (
        gettext_lazy("Mönster (reguljärt uttryck)"),
        gettext_lazy("Frivilligt. Till exempel [0-9]{5} för fem siffror."),
    ),
    "pattern_message": (gettext_lazy("Felmeddelande när svaret inte följer mönstret"), ""),
    "min": (gettext_lazy("Minsta tal"), ""),
    "max": (gettext_lazy("Största tal"), ""),
    "integer": (gettext_lazy("Bara heltal"), ""),
    "min_date": (
        gettext_lazy("Tidigaste datum"),
        gettext_lazy("ÅÅÅÅ-MM-DD, eller today, today+30, today-365."),
    ),
    "max_date": (
        gettext_lazy("Senaste datum"),
        gettext_lazy("ÅÅÅÅ-MM-DD, eller today, today+30, today-365."),
    ),
    "choices": (gettext_lazy("Svarsalternativ"), gettext_lazy("Ett alternativ per rad.")),
    "widget": (gettext_lazy("Visa alternativen som"), ""),
    "min_choices": (gettext_lazy("Minsta antal val"), ""),
    "max_choices": (gettext_lazy("Högsta antal val"), ""),
    "file_types": (gettext_lazy("Filtyper som tas emot"), ""),
    "max_size_mb": (gettext_lazy("Största filstorlek (MB)"), gettext_lazy("Högst 100 MB.")),
    "max_files": (gettext_lazy("Högsta antal filer"), gettext_lazy("Mellan 1 och 20.")),
    "email_required": (gettext_lazy("E-postadress måste fyllas i"), ""),
    "phone_required": (gettext_lazy("Telefonnummer måste fyllas i"), ""),
    "from_login": (gettext_lazy("Hämta personnumret från inloggningen"), ""),
    "allow_samordningsnummer": (gettext_lazy("Samordningsnummer godtas"), ""),
    "resource": (gettext_lazy("Det som bokas"), ""),
    "days": (gettext_lazy("Så många dagar framåt visas"), gettext_lazy("Mellan 1 och 92.")),
    "min_age": (gettext_lazy("Lägsta ålder (år)"), gettext_lazy("Frivillig. Mellan 0 och 17.")),
    "max_age": (gettext_lazy("Högsta ålder (år)"), gettext_lazy("Frivillig. Mellan 0 och 17.")),
    "in_municipality": (gettext_lazy("Barnet måste vara folkbokfört i kommunen"), ""),
}
BOOLEAN_FIELDS = {"required", "integer"} | formedit.BOOLEAN_OPTIONS
PREFILL_ATTRIBUTES = {
    "name": gettext_lazy("namn"),
    "given_name": gettext_lazy("förnamn"),
    "surname": gettext_lazy("efternamn"),
    "personnummer": gettext_lazy("personnummer"),
    "address": gettext_lazy("folkbokföringsadress"),
    "children": gettext_lazy("barn som personen är vårdnadshavare för"),
}
PREFILL_SOURCES = {"navet": gettext_lazy("folkbokföringen (Navet)")}


def prefill_choices(question_type: str) -> list[tuple[str, str]]:
    """What a question of this type can be filled in with after an e-ID
    login, from each enabled prefill source (e.g. the population register)."""
    choices = []
    for source in prefill_sources:
        if not source.is_enabled():
            continue
        for attribute, types in source.attributes.items():
            if question_type in types:
                text = _("%(what)s från %(source)s") % {
                    "what": PREFILL_ATTRIBUTES.get(attribute, attribute),
                    "source": PREFILL_SOURCES.get(source.identifier, source.identifier),
                }
                choices.append((f"{source.identifier}:{attribute}", text))
    return choices


def question_form_class(question_type: str, form_json: dict, question_id: str, is_new: bool):
    """A form with the fields of this question type (the action validates)."""
    fields: dict[str, forms.Field] = {}
    for name in formedit.TYPE_FIELDS[question_type]:
        label, help_text = FIELD_LABELS[name]
        if name in BOOLEAN_FIELDS:
            field = forms.BooleanField(label=label, required=False, help_text=help_text)
        elif name in ("help_text", "text", "choices"):
            field = forms.CharField(
                label=label,
                required=False,
                help_text=help_text,
                widget=forms.Textarea(attrs={"rows": 5 if name != "help_text" else 3}),
            )
        elif name == "widget":
            field = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("radio", _("Radioknappar")), ("dropdown", _("Rullgardinslista"))],
                widget=forms.RadioSelect,
            )
        elif name == "file_types":
            field = forms.MultipleChoiceField(
                label=label,
                required=False,
                choices=[(key, kind.label) for key, kind in KINDS.items()],
                widget=forms.CheckboxSelectMultiple,
            )
        elif name == "resource":
            field = forms.ChoiceField(
                label=label,
                required=False,
                choices=[
                    ("", _("Välj")),
                    *list(Resource.objects.filter(is_active=True).values_list("slug", "name")),
                ],
            )
        else:
            field = forms.CharField(label=label, required=False, help_text=help_text)
        fields[name] = field
    prefill = prefill_choices(question_type)
    if prefill:
        fields["prefill"] = forms.ChoiceField(
            label=_("Fyll i svaret efter inloggning"),
            help_text=_("Invånaren som loggat in får svaret ifyllt och kan ändra det."),
            required=False,
            choices=[("", _("Nej, invånaren skriver själv")), *prefill],
        )
        fields["prefill_locked"] = forms.BooleanField(
            label=_("Invånaren kan inte ändra det ifyllda svaret"), required=False
        )
    options = (
        formedit.condition_options(form_json)
        if is_new
        else formedit.condition_options(form_json, before_question=question_id)
    )
    found = None if is_new else formedit.find_question(form_json, question_id)
    current = found[1] if found else {}

    def words(key: str) -> list:
        listed = formedit.with_current(options, form_json, current.get(key))
        return [(o.code, _("När %(c)s") % {"c": o.text}) for o in listed]

    fields["visible_if"] = forms.ChoiceField(
        label=_("Visa frågan"),
        required=False,
        choices=[("", _("Alltid")), *words("visible_if")],
        widget=LongSelect,
    )
    if question_type != "info":
        fields["required_if"] = forms.ChoiceField(
            label=_("Kräv svar"),
            required=False,
            choices=[("", _("Som rutan «Frågan måste besvaras» säger")), *words("required_if")],
            widget=LongSelect,
        )
    for field in fields.values():
        if not isinstance(
            field.widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple
        ):
            field.widget.attrs.setdefault("class", "input")
    return type("QuestionForm", (forms.Form,), fields)


def _initial(question: dict) -> dict:
    initial: dict = {}
    validation = question.get("validation", {})
    for name in formedit.TYPE_FIELDS[question["type"]]:
        if name == "choices":
            initial[name] = "\n".join(c["label"] for c in question.get("choices", []))
        elif name in formedit.VALIDATION_FIELDS:
            if name in validation:
                initial[name] = validation[name]
        elif name in question:
            initial[name] = question[name]
    if question.get("prefill"):
        spec = question["prefill"]
        initial["prefill"] = f"{spec['source']}:{spec['attribute']}"
        initial["prefill_locked"] = bool(spec.get("locked"))
    initial["visible_if"] = formedit.encode_condition(question.get("visible_if"))
    initial["required_if"] = formedit.encode_condition(question.get("required_if"))
    return initial


def _post_data(request) -> dict:
    return {key: request.POST.getlist(key) for key in request.POST}


@staff_view(may_build)
def add_question(request, eservice_id: int, step_id: str):
    eservice = eservice_for(request, eservice_id)
    form_json, token = builder.working_form(eservice)
    target_step = formedit.find_step(form_json, step_id)
    if target_step is None:
        raise Http404
    question_type = request.GET.get("typ") or request.POST.get("type", "")
    if question_type not in formedit.TYPE_FIELDS:
        return render(
            request,
            "staff/builder/choose_type.html",
            {
                "eservice": eservice,
                "step": target_step,
                "types": list(formedit.TYPE_LABELS.items()),
                "error": "typ" in request.GET or request.method == "POST",
            },
        )
    return _question_page(request, eservice, form_json, token, question_type, step_id, None)


@staff_view(may_build)
def edit_question(request, eservice_id: int, question_id: str):
    eservice = eservice_for(request, eservice_id)
    form_json, token = builder.working_form(eservice)
    found = formedit.find_question(form_json, question_id)
    if found is None:
        raise Http404
    step_, question = found
    return _question_page(
        request, eservice, form_json, token, question["type"], step_["id"], question
    )


def _question_page(request, eservice, form_json, token, question_type, step_id, existing):
    is_new = existing is None
    question_id = existing["id"] if existing else ""
    form_class = question_form_class(question_type, form_json, question_id, is_new)
    form = form_class(request.POST or None, initial=_initial(existing) if existing else {})
    if request.method == "POST":
        form.is_valid()
        data = _post_data(request)
        resources = set(Resource.objects.values_list("slug", flat=True))
        prefill_codes = {code for code, _text in prefill_choices(question_type)} or None
        made = {}

        def run(current: dict) -> str:
            if is_new:
                new_id = formedit.new_question_id(current, data)
                question = formedit.parse_question_fields(
                    form=current,
                    question_type=question_type,
                    data=data,
                    question_id=new_id,
                    resources=resources,
                    prefill_options=prefill_codes,
                )
                made["id"] = new_id
                return formedit.add_question(current, step_id, question)
            found = formedit.find_question(current, question_id)
            if found is None:
                raise builder.BuilderError(_("Frågan finns inte längre. Läs in sidan igen."))
            question = formedit.parse_question_fields(
                form=current,
                question_type=question_type,
                data=data,
                question_id=question_id,
                existing=found[1],
                resources=resources,
                prefill_options=prefill_codes,
            )
            made["id"] = question_id
            return formedit.update_question(current, question_id, question)

        if saved_to_draft(request, form, eservice, run):
            messages.success(request, _("Frågan sparades."))
            return redirect(
                reverse("staff:builder_eservice", args=[eservice.pk])
                + f"?fokus=q-{made['id']}-edit"
            )
        token = request.POST.get("token", token)
    return render(
        request,
        "staff/builder/question.html",
        {
            "eservice": eservice,
            "form": form,
            "question": existing,
            "step_id": step_id,
            "question_type": question_type,
            "type_label": formedit.TYPE_LABELS[question_type],
            "token": token,
        },
        status=400 if form.errors else 200,
    )
