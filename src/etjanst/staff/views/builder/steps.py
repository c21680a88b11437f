"""Adding and changing a step."""

from django import forms
from django.forms.utils import flatatt
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etjanst.eservices import builder, formedit
from etjanst.people.access import may_build

from ..access import staff_view
from .base import eservice_for, saved_to_draft


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


@staff_view(may_build)
def step(request, eservice_id: int, step_id: str = ""):
    eservice = eservice_for(request, eservice_id)
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

        if saved_to_draft(request, form, eservice, run):
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
