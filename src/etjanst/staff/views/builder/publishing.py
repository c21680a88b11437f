"""The check before publishing, publishing and unpublishing, versions and
their diff, restoring an old version, the change log."""

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from etjanst.eservices import builder
from etjanst.eservices.diff import diff_forms
from etjanst.eservices.lint import has_errors, lint
from etjanst.eservices.models import EServiceChange, EServiceVersion
from etjanst.people.access import may_build

from ..access import staff_view
from .base import eservice_for


@staff_view(may_build)
def check(request, eservice_id: int):
    eservice = eservice_for(request, eservice_id)
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


@staff_view(may_build)
def publish(request, eservice_id: int):
    eservice = eservice_for(request, eservice_id)
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


@staff_view(may_build)
def unpublish(request, eservice_id: int):
    eservice = eservice_for(request, eservice_id)
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


@staff_view(may_build)
def versions(request, eservice_id: int):
    eservice = eservice_for(request, eservice_id)
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


@staff_view(may_build)
def restore(request, eservice_id: int, number: int):
    eservice = eservice_for(request, eservice_id)
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


@staff_view(may_build)
def change_log(request, eservice_id: int):
    eservice = eservice_for(request, eservice_id)
    changes = EServiceChange.objects.filter(eservice=eservice).select_related("actor")[:500]
    return render(
        request, "staff/builder/change_log.html", {"eservice": eservice, "changes": changes}
    )
