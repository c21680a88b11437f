"""The e-service builder for e-service administrators (/handlaggning/e-tjanster/).
Every action is a plain form POST (no JavaScript needed); the rules live in
`eservices.builder`, `eservices.lint` and `eservices.actions`. E-services are
reached through `EService.objects.buildable_by(user)` (404 otherwise)."""

import datetime
import json
from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms.utils import flatatt
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etjanst.bookings.models import Resource
from etjanst.cases import statuses as case_statuses
from etjanst.cases.models import Case, Status, StatusKind
from etjanst.eservices import actions as eservice_actions
from etjanst.eservices import builder, formedit
from etjanst.eservices.diff import diff_forms
from etjanst.eservices.filetypes import KINDS
from etjanst.eservices.lint import has_errors, lint
from etjanst.eservices.models import EService, EServiceChange, EServiceVersion
from etjanst.organisation.models import Committee, RetentionRule
from etjanst.people.access import builder_scope, may_build, may_use_staff_login
from etjanst.prefill.registry import prefill_sources


def builder_required(view):
    """A logged-in staff member who gave a one-time code and builds
    e-services (case staff who do not build: 403)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_verified() and may_use_staff_login(user)):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('staff:login')}?{query}")
        if not may_build(user):
            raise PermissionDenied
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapper


def _eservice(request, eservice_id: int) -> EService:
    return get_object_or_404(
        EService.objects.buildable_by(request.user).select_related(
            "category", "committee", "retention_rule"
        ),
        pk=eservice_id,
    )


def _committees(user):
    scope = builder_scope(user)
    committees = Committee.objects.all()
    if scope is None:
        return committees
    allowed = EService.objects.filter(scope).values("committee_id")
    from_access = user.staff_access.filter(role="eservice_manager", committee__isnull=False)
    return committees.filter(pk__in=from_access.values("committee_id")) | committees.filter(
        pk__in=allowed
    )


def _may_use_committee(user):
    allowed = set(_committees(user).values_list("pk", flat=True))
    return lambda committee: committee.pk in allowed


def status_of(eservice: EService, now=None) -> tuple[str, str]:
    """(code, word) for an e-service annotated by `with_publication`."""
    code = builder.publication_status(
        unpublish_at=eservice.unpublish_at,
        last_published=eservice.last_published,
        next_published=eservice.next_published,
        now=now,
    )
    return code, builder.PUBLICATION_STATUSES[code]


# --- catalogue --------------------------------------------------------------------


@builder_required
def catalogue(request):
    now = timezone.now()
    eservices = list(
        EService.objects.buildable_by(request.user)
        .with_publication(now)
        .select_related("committee", "category")
        .order_by("name")
    )
    # Open cases, counted in one query for all rows.
    open_counts = dict(
        Case.objects.filter(eservice__in=[e.pk for e in eservices])
        .exclude(status__kind=StatusKind.CLOSED)
        .values_list("eservice")
        .annotate(n=Count("pk"))
        .values_list("eservice", "n")
    )
    rows = [
        {
            "eservice": e,
            "status": status_of(e, now),
            "open_cases": open_counts.get(e.pk, 0),
            "last_change": e.last_change or e.updated_at,
        }
        for e in eservices
    ]
    return render(request, "staff/builder/catalogue.html", {"rows": rows})


# --- settings ---------------------------------------------------------------------


class SettingsForm(forms.ModelForm):
    class Meta:
        model = EService
        fields = builder.SETTINGS_FIELDS
        widgets = {
            "what_you_need": forms.Textarea(attrs={"rows": 4}),
            "intro_text": forms.Textarea(attrs={"rows": 6}),
            "after_submit_text": forms.Textarea(attrs={"rows": 4}),
            "personal_data_text": forms.Textarea(attrs={"rows": 4}),
            "pd_purpose": forms.Textarea(attrs={"rows": 3}),
            "pd_recipients": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = _committees(user)
        self.fields["retention_rule"].queryset = RetentionRule.objects.select_related("committee")
        for field in self.fields.values():
            widget = field.widget
            if not isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "input")
            # Length and format are checked by the action, with Swedish messages.
            widget.attrs.pop("maxlength", None)

    def _post_clean(self):
        """The model's own validation runs in the action (one place)."""


def _settings_values(form: SettingsForm) -> dict:
    return {name: form.cleaned_data.get(name) for name in builder.SETTINGS_FIELDS}


@builder_required
def create(request):
    form = SettingsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            eservice = builder.create_eservice(
                actor=request.user,
                values=_settings_values(form),
                may_use_committee=_may_use_committee(request.user),
            )
        except builder.BuilderError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("E-tjänsten skapades. Lägg nu till steg och frågor."))
            return redirect("staff:builder_eservice", eservice.pk)
    return render(
        request,
        "staff/builder/settings.html",
        {"form": form, "creating": True, "eservice": None},
        status=400 if form.errors else 200,
    )


@builder_required
def settings(request, eservice_id: int):
    eservice = _eservice(request, eservice_id)
    form = SettingsForm(request.POST or None, instance=eservice, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            builder.update_settings(
                eservice=EService.objects.get(pk=eservice.pk),
                actor=request.user,
                values=_settings_values(form),
                may_use_committee=_may_use_committee(request.user),
            )
        except builder.BuilderError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Inställningarna sparades."))
            return redirect("staff:builder_eservice", eservice.pk)
    return render(
        request,
        "staff/builder/settings.html",
        {"form": form, "creating": False, "eservice": eservice},
        status=400 if form.errors else 200,
    )


def _add_errors(form: forms.Form, exc: builder.BuilderError) -> None:
    for name, message in exc.fields.items():
        form.add_error(name if name in form.fields else None, message)
    if not exc.fields:
        form.add_error(None, exc.message)


# --- the e-service's steps and questions -------------------------------------------


@builder_required
def overview(request, eservice_id: int):
    eservice = _eservice(request, eservice_id)
    form, token = builder.working_form(eservice)
    findings = lint(eservice, form)
    draft = builder.draft_of(eservice)
    focus = request.GET.get("fokus", "")
    # Everything per row is prepared here: the page has 200+ rows, and
    # template lookups and {% url %} per row were most of its time
    # (bench/builder.py: 233 → see docs/benchmarks.md).
    type_labels = {k: str(v) for k, v in formedit.TYPE_LABELS.items()}
    edit_base = reverse("staff:builder_question", args=[eservice.pk, "x"])[:-2]
    steps = [
        {
            "step": step,
            "number": n,
            "url": reverse("staff:builder_step", args=[eservice.pk, step["id"]]),
            "add_url": reverse("staff:builder_add_question", args=[eservice.pk, step["id"]]),
            "focus": focus.removeprefix(f"step-{step['id']}-")
            if focus.startswith(f"step-{step['id']}-")
            else "",
            "condition": formedit.describe_condition(form, step.get("visible_if")),
            "questions": [
                {
                    "q": q,
                    "name": formedit.label_of(q)[:40],
                    "choices": ", ".join(c["label"] for c in q.get("choices", [])),
                    "url": f"{edit_base}{q['id']}/",
                    "focus": focus.removeprefix(f"q-{q['id']}-")
                    if focus.startswith(f"q-{q['id']}-")
                    else "",
                    "type": type_labels.get(q["type"], q["type"]),
                    "visible_if": formedit.describe_condition(form, q.get("visible_if")),
                    "required_if": formedit.describe_condition(form, q.get("required_if")),
                }
                for q in step["questions"]
            ],
        }
        for n, step in enumerate(form["steps"], start=1)
    ]
    return render(
        request,
        "staff/builder/eservice.html",
        {
            "eservice": eservice,
            "status": status_of(
                EService.objects.with_publication().get(pk=eservice.pk),
            ),
            "steps": steps,
            "token": token,
            "draft": draft,
            "errors": [f for f in findings if f.is_error],
            "warnings": [f for f in findings if not f.is_error],
            "focus": focus,
            "confirmation_email": form.get("confirmation_email", True),
        },
    )


ROW_ACTIONS = {
    "step_up", "step_down", "step_copy", "step_delete",
    "question_up", "question_down", "question_copy", "question_delete",
    "confirmation_on", "confirmation_off",
}  # fmt: skip


@builder_required
def change(request, eservice_id: int):
    """The buttons on the overview: move, copy and delete steps and questions."""
    eservice = _eservice(request, eservice_id)
    if request.method != "POST":
        return redirect("staff:builder_eservice", eservice.pk)
    # One form per step: a button says what and on which ("question_up:<id>").
    action, _colon, target = request.POST.get("action", "").partition(":")
    target = target or request.POST.get("target", "")
    if action not in ROW_ACTIONS:
        messages.error(request, _("Okänd åtgärd."))
        return redirect("staff:builder_eservice", eservice.pk)
    if action == "step_delete" and not request.POST.get("confirmed"):
        form_json, _token = builder.working_form(eservice)
        step_ = formedit.find_step(form_json, target)
        if step_ and step_["questions"]:  # a step with questions: ask first
            return render(
                request,
                "staff/builder/confirm_delete.html",
                {"eservice": eservice, "step": step_, "token": request.POST.get("token", "")},
            )
    result = {}

    def run(form: dict) -> str:
        if action in ("step_up", "step_down"):
            offset = -1 if action == "step_up" else 1
            result["focus"] = f"step-{target}-{'up' if offset < 0 else 'down'}"
            return formedit.move_step(form, target, offset)
        if action == "step_copy":
            new_id, summary = formedit.copy_step(form, target)
            result["focus"] = f"step-{new_id}-heading"
            return summary
        if action == "step_delete":
            ids = [s["id"] for s in form["steps"]]
            index = ids.index(target) if target in ids else 0
            summary = formedit.delete_step(form, target)
            result["focus"] = _neighbour_step(form, index)
            return summary
        if action in ("question_up", "question_down"):
            offset = -1 if action == "question_up" else 1
            result["focus"] = f"q-{target}-{'up' if offset < 0 else 'down'}"
            return formedit.move_question(form, target, offset)
        if action == "question_copy":
            new_id, summary = formedit.copy_question(form, target)
            result["focus"] = f"q-{new_id}-edit"
            return summary
        if action == "question_delete":
            found = formedit.find_question(form, target)
            summary = formedit.delete_question(form, target)
            if found:
                step = found[0]
                result["focus"] = (
                    f"q-{step['questions'][0]['id']}-edit"
                    if step["questions"]
                    else f"step-{step['id']}-add"
                )
            return summary
        result["focus"] = "confirmation"
        return formedit.set_confirmation_email(form, action == "confirmation_on")

    return _run_edit(request, eservice, run, result)


def _run_edit(request, eservice, run, result):
    try:
        builder.edit_draft(
            eservice=eservice, actor=request.user, token=request.POST.get("token", ""), change=run
        )
    except builder.StaleDraft as exc:
        messages.error(request, exc.message)
        return redirect("staff:builder_eservice", eservice.pk)
    except builder.BuilderError as exc:
        # E.g. "cannot move further": the message shows, focus stays on the button.
        messages.error(request, exc.message)
    focus = result.get("focus", "")
    url = reverse("staff:builder_eservice", args=[eservice.pk])
    return redirect(f"{url}?fokus={focus}" if focus else url)


def _neighbour_step(form: dict, index: int) -> str:
    if not form["steps"]:
        return "add-step"
    step = form["steps"][min(index, len(form["steps"]) - 1)]
    return f"step-{step['id']}-heading"


# --- steps ------------------------------------------------------------------------


class LongSelect(forms.Select):
    """A <select> written in Python. A condition list has an option per
    earlier question and answer (≈ 600 at 200 questions); Django's template
    per option made the question page take ~340 ms (bench/builder.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{escape(v)}"{" selected" if str(v) == chosen else ""}>'
            f"{escape(label)}</option>"
            for v, label in self.choices
        )
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")  # noqa: S308 (escaped)


class StepForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Rubrik"), required=False)
    description = forms.CharField(
        label=gettext_lazy("Beskrivning (om det behövs)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    visible_if = forms.ChoiceField(
        label=gettext_lazy("Visa steget"), required=False, widget=LongSelect
    )

    def __init__(self, *args, condition_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visible_if"].choices = [("", _("Alltid"))] + [
            (o.code, _("När %(c)s") % {"c": o.text}) for o in condition_choices
        ]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")


@builder_required
def step(request, eservice_id: int, step_id: str = ""):
    eservice = _eservice(request, eservice_id)
    form_json, token = builder.working_form(eservice)
    existing = formedit.find_step(form_json, step_id) if step_id else None
    if step_id and existing is None:
        raise Http404
    options = (
        formedit.with_current(
            formedit.condition_options(form_json, before_step=step_id),
            form_json,
            existing.get("visible_if"),
        )
        if existing
        else formedit.condition_options(form_json)
    )
    initial = {}
    if existing:
        initial = {
            "title": existing["title"],
            "description": existing.get("description", ""),
            "visible_if": formedit.encode_condition(existing.get("visible_if")),
        }
    form = StepForm(request.POST or None, initial=initial, condition_choices=options)
    if request.method == "POST":
        form.is_valid()
        data = {k: request.POST.get(k, "") for k in ("title", "description", "visible_if")}
        made = {}

        def run(current: dict) -> str:
            old = formedit.find_step(current, step_id) if step_id else None
            fields = formedit.parse_step_fields(
                form=current,
                data=data,
                step_id=step_id,
                current=(old or {}).get("visible_if"),
            )
            if step_id:
                return formedit.update_step(current, step_id, fields)
            made["id"], summary = formedit.add_step(current, fields)
            return summary

        try:
            builder.edit_draft(
                eservice=eservice,
                actor=request.user,
                token=request.POST.get("token", ""),
                change=run,
            )
        except builder.StaleDraft as exc:
            form.add_error(None, exc.message)
        except builder.BuilderError as exc:
            _add_errors(form, exc)
        else:
            focus = f"step-{step_id or made['id']}-{'heading' if step_id else 'add'}"
            return redirect(
                reverse("staff:builder_eservice", args=[eservice.pk]) + f"?fokus={focus}"
            )
        token = request.POST.get("token", token)
    return render(
        request,
        "staff/builder/step.html",
        {"eservice": eservice, "form": form, "step": existing, "token": token},
        status=400 if form.errors else 200,
    )


# --- questions --------------------------------------------------------------------


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


@builder_required
def add_question(request, eservice_id: int, step_id: str):
    eservice = _eservice(request, eservice_id)
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


@builder_required
def edit_question(request, eservice_id: int, question_id: str):
    eservice = _eservice(request, eservice_id)
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

        try:
            builder.edit_draft(
                eservice=eservice,
                actor=request.user,
                token=request.POST.get("token", ""),
                change=run,
            )
        except builder.StaleDraft as exc:
            form.add_error(None, exc.message)
        except builder.BuilderError as exc:
            _add_errors(form, exc)
        else:
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


# --- check, publish, versions -----------------------------------------------------


@builder_required
def check(request, eservice_id: int):
    eservice = _eservice(request, eservice_id)
    form_json, token = builder.working_form(eservice)
    findings = lint(eservice, form_json)
    return render(
        request,
        "staff/builder/check.html",
        {
            "eservice": eservice,
            "findings": findings,
            "blocked": has_errors(findings),
            "token": token,
            "has_draft": builder.draft_of(eservice) is not None,
        },
    )


def _local_datetime(value: str):
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@builder_required
def publish(request, eservice_id: int):
    eservice = _eservice(request, eservice_id)
    if request.method != "POST":
        return redirect("staff:builder_check", eservice.pk)
    at = None
    if request.POST.get("when") == "later":
        at = _local_datetime(request.POST.get("publish_at", ""))
        if at is None:
            messages.error(request, _("Skriv när versionen ska publiceras, som ÅÅÅÅ-MM-DD TT:MM."))
            return redirect("staff:builder_check", eservice.pk)
    try:
        version = builder.publish_draft(
            eservice=eservice, actor=request.user, token=request.POST.get("token", ""), at=at
        )
    except builder.BuilderError as exc:
        messages.error(request, " ".join([exc.message, *exc.fields.values()]))
        return redirect("staff:builder_check", eservice.pk)
    if at:
        messages.success(
            request, _("Version %(n)d publiceras vid den valda tiden.") % {"n": version.number}
        )
    else:
        messages.success(request, _("Version %(n)d är publicerad.") % {"n": version.number})
    return redirect("staff:builder_versions", eservice.pk)


@builder_required
def unpublish(request, eservice_id: int):
    eservice = _eservice(request, eservice_id)
    if request.method != "POST":
        return redirect("staff:builder_versions", eservice.pk)
    try:
        if request.POST.get("when") == "cancel":
            builder.cancel_unpublish(eservice=eservice, actor=request.user)
            messages.success(request, _("E-tjänsten avpubliceras inte."))
        else:
            at = None
            if request.POST.get("when") == "later":
                at = _local_datetime(request.POST.get("unpublish_at", ""))
                if at is None:
                    raise builder.BuilderError(
                        _("Skriv när e-tjänsten ska avpubliceras, som ÅÅÅÅ-MM-DD TT:MM.")
                    )
            builder.schedule_unpublish(eservice=eservice, actor=request.user, at=at)
            messages.success(request, _("Avpubliceringen är sparad."))
    except builder.BuilderError as exc:
        messages.error(request, " ".join([exc.message, *exc.fields.values()]))
    return redirect("staff:builder_versions", eservice.pk)


@builder_required
def versions(request, eservice_id: int):
    eservice = _eservice(request, eservice_id)
    all_versions = list(
        eservice.versions.select_related("published_by", "created_by").order_by("-number")
    )
    numbers = [v.number for v in all_versions]
    diff = None
    old_number = _int(request.GET.get("fran"))
    new_number = _int(request.GET.get("till"))
    if old_number in numbers and new_number in numbers:
        by_number = {v.number: v for v in all_versions}
        diff = diff_forms(by_number[old_number].form, by_number[new_number].form)
    now = timezone.now()
    return render(
        request,
        "staff/builder/versions.html",
        {
            "eservice": eservice,
            "versions": [
                (
                    v,
                    _("Utkast")
                    if v.published_at is None
                    else (
                        _("Schemalagd")
                        if v.is_scheduled and v.published_at > now
                        else _("Publicerad")
                    ),
                )
                for v in all_versions
            ],
            "diff": diff,
            "old_number": old_number,
            "new_number": new_number,
            "now": now,
        },
    )


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


@builder_required
def restore(request, eservice_id: int, number: int):
    eservice = _eservice(request, eservice_id)
    version = get_object_or_404(EServiceVersion, eservice=eservice, number=number)
    if request.method == "POST":
        if request.POST.get("action") == "cancel_schedule":
            try:
                builder.cancel_scheduled(eservice=eservice, actor=request.user, version=version)
            except builder.BuilderError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Versionen är ett utkast igen."))
            return redirect("staff:builder_versions", eservice.pk)
        draft = builder.restore_version(eservice=eservice, actor=request.user, version=version)
        messages.success(
            request,
            _("Version %(old)d är nu utkastet (version %(new)d).")
            % {"old": version.number, "new": draft.number},
        )
        return redirect("staff:builder_eservice", eservice.pk)
    return redirect("staff:builder_versions", eservice.pk)


@builder_required
def change_log(request, eservice_id: int):
    eservice = _eservice(request, eservice_id)
    changes = EServiceChange.objects.filter(eservice=eservice).select_related("actor")[:500]
    return render(
        request, "staff/builder/change_log.html", {"eservice": eservice, "changes": changes}
    )


# --- import, export, copy ---------------------------------------------------------


@builder_required
def export(request, eservice_id: int):
    eservice = _eservice(request, eservice_id)
    form_json, _token = builder.working_form(eservice)
    document = eservice_actions.export_document(eservice=eservice, form=form_json)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{eservice.slug}.json"'
    return response


MAX_IMPORT_BYTES = 1024 * 1024


@builder_required
def import_json(request):
    problems: list[str] = []
    text = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                problems = [_("Filen är för stor (högst 1 MB).")]
            else:
                text = upload.read().decode("utf-8", errors="replace")
        else:
            text = request.POST.get("json", "")
        if not problems:
            problems, eservice = _import(request, text)
            if not problems:
                messages.success(
                    request,
                    _("E-tjänsten importerades till ett utkast. Kontrollera och publicera."),
                )
                return redirect("staff:builder_eservice", eservice.pk)
    return render(
        request,
        "staff/builder/import.html",
        {"problems": problems, "text": text},
        status=400 if problems else 200,
    )


def _import(request, text: str):
    try:
        data = eservice_actions.parse_document(text)
    except ValidationError as exc:
        return exc.messages, None
    slug = data.get("slug")
    existing = EService.objects.filter(slug=slug).first() if isinstance(slug, str) else None
    if (
        existing is not None
        and not EService.objects.buildable_by(request.user).filter(pk=existing.pk).exists()
    ):
        return [_("Det finns redan en e-tjänst med kortnamnet %(s)s.") % {"s": slug}], None
    committee = data.get("committee") if isinstance(data.get("committee"), dict) else {}
    allowed = _committees(request.user)
    if (
        builder_scope(request.user) is not None
        and not allowed.filter(prefix=committee.get("prefix")).exists()
    ):
        return [_("Du bygger inte e-tjänster för nämnden i filen.")], None
    try:
        eservice, _version = eservice_actions.import_eservice(
            data=data, publish=False, actor=request.user
        )
    except ValidationError as exc:
        return exc.messages, None
    return [], eservice


class CopyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Namn på den nya e-tjänsten"), max_length=200)
    slug = forms.SlugField(
        label=gettext_lazy("Kortnamn"),
        help_text=gettext_lazy("Blir en del av adressen. Små bokstäver, siffror och bindestreck."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "input"


@builder_required
def copy(request, eservice_id: int):
    eservice = _eservice(request, eservice_id)
    form = CopyForm(
        request.POST or None,
        initial={
            "name": _("Kopia av %(n)s") % {"n": eservice.name},
            "slug": f"{eservice.slug}-kopia",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = builder.copy_eservice(
                eservice=eservice,
                actor=request.user,
                name=form.cleaned_data["name"],
                slug=form.cleaned_data["slug"],
                may_use_committee=_may_use_committee(request.user),
            )
        except builder.BuilderError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Kopian är skapad som ett utkast."))
            return redirect("staff:builder_eservice", made.pk)
    return render(
        request,
        "staff/builder/copy.html",
        {"eservice": eservice, "form": form},
        status=400 if form.errors else 200,
    )


# --- statuses (the rules are in cases.statuses) -------------------------------------


@builder_required
def statuses(request, eservice_id: int):
    eservice = _eservice(request, eservice_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "customise":
                case_statuses.customise_statuses(eservice=eservice, actor=request.user)
                messages.success(request, _("E-tjänsten har nu egna statusar. Ändra dem här."))
            else:
                rows = {}
                for status in case_statuses.own_statuses(eservice):
                    key = f"s{status.pk}"
                    rows[status.pk] = {
                        "name": request.POST.get(f"{key}-name", ""),
                        "resident_name": request.POST.get(f"{key}-resident_name", ""),
                        "next": [
                            int(v) for v in request.POST.getlist(f"{key}-next") if v.isdigit()
                        ],
                        "remove": request.POST.get(f"{key}-remove") == "on",
                    }
                new = {
                    "name": request.POST.get("new-name", ""),
                    "resident_name": request.POST.get("new-resident_name", ""),
                    "kind": request.POST.get("new-kind", ""),
                }
                case_statuses.save_statuses(
                    eservice=eservice, actor=request.user, rows=rows, new=new
                )
                messages.success(request, _("Statusarna sparades."))
        except case_statuses.StatusError as exc:
            errors = exc.fields or {"statuses": exc.message}
        else:
            return redirect("staff:builder_statuses", eservice.pk)
    own = case_statuses.own_statuses(eservice)
    shown = own or list(
        Status.objects.filter(eservice__isnull=True).prefetch_related("next_statuses")
    )
    posted = request.POST if errors else {}
    rows = [
        {
            "status": s,
            "name": posted.get(f"s{s.pk}-name", s.name),
            "resident_name": posted.get(f"s{s.pk}-resident_name", s.resident_name),
            "next": (
                {int(v) for v in posted.getlist(f"s{s.pk}-next") if v.isdigit()}
                if errors
                else {n.pk for n in s.next_statuses.all()}
            ),
            "errors": {
                part: errors.get(f"s{s.pk}-{part}", "")
                for part in ("name", "resident_name", "next", "remove")
            },
        }
        for s in shown
    ]
    return render(
        request,
        "staff/builder/statuses.html",
        {
            "eservice": eservice,
            "own": bool(own),
            "rows": rows,
            "errors": errors,
            "kinds": StatusKind.choices,
            "new_fields": [
                (
                    (
                        part,
                        posted.get(f"new-{part}", "") if errors else "",
                        errors.get(f"new-{part}"),
                    ),
                    label,
                )
                for part, label in (
                    ("name", _("Namn för handläggare")),
                    ("resident_name", _("Så här ser invånaren statusen")),
                    ("kind", _("Vad betyder statusen?")),
                )
            ],
        },
        status=400 if errors else 200,
    )
