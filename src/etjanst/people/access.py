"""Who on the staff may see and handle which cases: roles per committee
(nämnd), per e-service, or everything for an administrator."""

from django.db.models import Q

from .models import HANDLES_CASES, READS_CASES, Role, StaffAccess

ROLE_ORDER = [Role.ADMINISTRATOR, Role.CASE_OFFICER, Role.REGISTRAR, Role.ESERVICE_MANAGER]


def accesses(user) -> list[StaffAccess]:
    """The user's roles, read once per user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if not hasattr(user, "_etjanst_access"):
        user._etjanst_access = list(StaffAccess.objects.filter(user=user))
    return user._etjanst_access


def is_staff_member(user) -> bool:
    """Someone who works with cases (the inbox and the case pages)."""
    return bool(getattr(user, "is_superuser", False) and user.is_active) or any(
        a.role in READS_CASES for a in accesses(user)
    )


def may_use_staff_login(user) -> bool:
    """Staff with a case role, and admin users (e.g. e-service managers):
    the one login, with its one-time code and lockout, for both /handlaggning/
    and /admin/ (etjanst.config.admin)."""
    return (
        is_staff_member(user)
        or may_build(user)
        or bool(getattr(user, "is_staff", False) and user.is_active)
    )


def builder_scope(user) -> Q | None:
    """A filter on e-services the user may build (None: all). E-service
    administrators build those of their committees (or the one e-service
    they are given); administrators for everything and superusers build all;
    case officers and registrars build none."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return None
    mine = accesses(user)
    if any(_is_global(a) for a in mine):
        return None
    builders = [a for a in mine if a.role == Role.ESERVICE_MANAGER]
    return Q(committee_id__in={a.committee_id for a in builders if a.committee_id}) | Q(
        pk__in={a.eservice_id for a in builders if a.eservice_id}
    )


def may_build(user) -> bool:
    """Whether the user may open the builder at all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    scope = builder_scope(user)
    return scope is None or any(a.role == Role.ESERVICE_MANAGER for a in accesses(user))


def _is_global(access: StaffAccess) -> bool:
    return access.role == Role.ADMINISTRATOR and not access.committee_id and not access.eservice_id


def case_scope(user, roles=READS_CASES) -> Q | None:
    """A filter on cases for what the user may see (None: everything;
    an impossible filter when nothing)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return None
    mine = [a for a in accesses(user) if a.role in roles]
    if any(_is_global(a) for a in mine):
        return None
    committees = {a.committee_id for a in mine if a.committee_id}
    eservices = {a.eservice_id for a in mine if a.eservice_id}
    return Q(committee_id__in=committees) | Q(eservice_id__in=eservices)


def request_scope(user) -> Q | None:
    """A filter on requests for public documents: registrars, officers and
    administrators handle those of their committees (None: all)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return None
    mine = [a for a in accesses(user) if a.role in READS_CASES]
    if any(_is_global(a) for a in mine):
        return None
    return Q(committee_id__in={a.committee_id for a in mine if a.committee_id})


def _applies(access: StaffAccess, case) -> bool:
    return (
        _is_global(access)
        or (access.committee_id and access.committee_id == case.committee_id)
        or (access.eservice_id and access.eservice_id == case.eservice_id)
    )


def role_for(user, case) -> str | None:
    """The role in which the user opens the case (the strongest that applies)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Role.ADMINISTRATOR
    roles = {a.role for a in accesses(user) if _applies(a, case)}
    return next((r for r in ROLE_ORDER if r in roles and r in READS_CASES), None)


def may_handle(user, case) -> bool:
    return role_for(user, case) in HANDLES_CASES


def officers_for(case):
    """Users who may handle the case (for assigning it)."""
    from django.contrib.auth import get_user_model

    access = StaffAccess.objects.filter(role__in=HANDLES_CASES).filter(
        Q(committee_id=case.committee_id)
        | Q(eservice_id=case.eservice_id)
        | Q(role=Role.ADMINISTRATOR, committee__isnull=True, eservice__isnull=True)
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(staff_access__in=access) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
