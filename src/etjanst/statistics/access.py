"""Who sees which statistics. An e-service's figures are for those who build
it (people.access.builder_scope) and for administrators of its committee or
of it; a committee's totals for those who see all of its e-services; the
whole municipality for management: superusers, administrators of
everything, and users given the permission "Kan se statistik för hela
kommunen" (statistics.view_municipality_statistics, in the admin)."""

from django.db.models import Q

from etjanst.eservices.models import EService
from etjanst.organisation.models import Committee
from etjanst.people.access import accesses, builder_scope
from etjanst.people.models import Role

SEES_STATISTICS = {Role.ADMINISTRATOR, Role.ESERVICE_MANAGER}


def may_see_municipality(user) -> bool:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return (
        user.is_superuser
        or user.has_perm("statistics.view_municipality_statistics")
        or any(
            a.role == Role.ADMINISTRATOR and not a.committee_id and not a.eservice_id
            for a in accesses(user)
        )
    )


def eservice_scope(user) -> Q | None:
    """A filter on e-services whose statistics the user sees (None: all)."""
    if may_see_municipality(user):
        return None
    built = builder_scope(user)
    if built is None:
        return None
    mine = [a for a in accesses(user) if a.role == Role.ADMINISTRATOR]
    return (
        built
        | Q(committee_id__in={a.committee_id for a in mine if a.committee_id})
        | Q(pk__in={a.eservice_id for a in mine if a.eservice_id})
    )


def eservices_for(user):
    scope = eservice_scope(user)
    eservices = EService.objects.all()
    return eservices if scope is None else eservices.filter(scope)


def committees_for(user):
    """Committees whose totals the user sees: all of their e-services."""
    if may_see_municipality(user):
        return Committee.objects.all()
    ids = {a.committee_id for a in accesses(user) if a.role in SEES_STATISTICS and a.committee_id}
    return Committee.objects.filter(pk__in=ids)


def may_use_statistics(user) -> bool:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return False
    return may_see_municipality(user) or any(a.role in SEES_STATISTICS for a in accesses(user))


def may_change_options(user, eservice: EService) -> bool:
    """The survey and open data are the e-service's settings: for those who
    build it (not for management who only read the statistics)."""
    return EService.objects.buildable_by(user).filter(pk=eservice.pk).exists()
