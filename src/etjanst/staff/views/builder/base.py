"""What every builder page shares: the e-services the user may build (404
otherwise), the committees they may use, and the action's errors shown at
their fields. The door (staff login and `people.access.may_build`) is
`staff_view(may_build)` on each page."""

from django import forms
from django.shortcuts import get_object_or_404

from etjanst.eservices import builder
from etjanst.eservices.models import EService
from etjanst.organisation.models import Committee
from etjanst.people.access import builder_scope


def eservice_for(request, eservice_id: int) -> EService:
    return get_object_or_404(
        EService.objects.buildable_by(request.user).select_related(
            "category", "committee", "retention_rule"
        ),
        pk=eservice_id,
    )


def committees_for(user):
    scope = builder_scope(user)
    committees = Committee.objects.all()
    if scope is None:
        return committees
    allowed = EService.objects.filter(scope).values("committee_id")
    from_access = user.staff_access.filter(role="eservice_manager", committee__isnull=False)
    return committees.filter(pk__in=from_access.values("committee_id")) | committees.filter(
        pk__in=allowed
    )


def may_use_committee(user):
    allowed = set(committees_for(user).values_list("pk", flat=True))
    return lambda committee: committee.pk in allowed


def add_errors(form: forms.Form, exc: builder.BuilderError) -> None:
    for name, message in exc.fields.items():
        form.add_error(name if name in form.fields else None, message)
    if not exc.fields:
        form.add_error(None, exc.message)


def saved_to_draft(request, form: forms.Form, eservice: EService, change) -> bool:
    """Run `change` on the draft under the page's token. A refusal (a
    field's problem, or another administrator saved first) is shown on
    `form`; True when the draft was changed."""
    try:
        builder.edit_draft(
            eservice=eservice,
            actor=request.user,
            token=request.POST.get("token", ""),
            change=change,
        )
    except builder.BuilderError as exc:  # StaleDraft too: its message, at the top
        add_errors(form, exc)
        return False
    return True
