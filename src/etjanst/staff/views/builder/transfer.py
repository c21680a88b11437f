"""Import and export as JSON, and copying an e-service."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etjanst.eservices import actions as eservice_actions
from etjanst.eservices import builder
from etjanst.eservices.models import EService
from etjanst.people.access import builder_scope, may_build

from ..access import staff_view
from .base import add_errors, committees_for, eservice_for, may_use_committee


@staff_view(may_build)
def export(request, eservice_id: int):
    eservice = eservice_for(request, eservice_id)
    form_json, _token = builder.working_form(eservice)
    document = eservice_actions.export_document(eservice=eservice, form=form_json)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{eservice.slug}.json"'
    return response


MAX_IMPORT_BYTES = 1024 * 1024


@staff_view(may_build)
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
    allowed = committees_for(request.user)
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


@staff_view(may_build)
def copy(request, eservice_id: int):
    eservice = eservice_for(request, eservice_id)
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
                may_use_committee=may_use_committee(request.user),
            )
        except builder.BuilderError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Kopian är skapad som ett utkast."))
            return redirect("staff:builder_eservice", made.pk)
    return render(
        request,
        "staff/builder/copy.html",
        {"eservice": eservice, "form": form},
        status=400 if form.errors else 200,
    )
