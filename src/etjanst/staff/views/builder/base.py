"""What every builder page shares: the staff login and the builder role
(`builder_required`), the e-services the user may build (404 otherwise), the
committees they may use, and the action's errors shown at their fields."""

from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from etjanst.eservices import builder
from etjanst.eservices.models import EService
from etjanst.organisation.models import Committee
from etjanst.people.access import builder_scope, may_build, may_use_staff_login


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
