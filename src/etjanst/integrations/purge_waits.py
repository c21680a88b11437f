"""A case of an e-service with required receivers is not purged until each
of them has confirmed that it has the case (by the API, or by a 2xx where its
subscription counts that). Registered with retention.waits in `ready`.

A revoked client no longer holds cases back: an administrator revoked it
because the system is gone, and it can never confirm again."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from etjanst.cases.models import Case
from etjanst.retention.waits import Wait

from .models import ApiClient, Delivery


def waiting():
    """True for a case (as a filter on cases) that a required receiver has not confirmed."""
    unconfirmed = ApiClient.objects.filter(
        required_for=OuterRef("eservice_id"), revoked_at__isnull=True
    ).exclude(
        Exists(Delivery.objects.filter(case_id=OuterRef(OuterRef("pk")), client_id=OuterRef("pk")))
    )
    return Exists(unconfirmed)


def describe(case_ids: list[int]) -> dict[int, list[str]]:
    if not case_ids:
        return {}
    rows = (
        Case.objects.filter(pk__in=case_ids)
        .filter(eservice__required_receivers__revoked_at__isnull=True)
        .values_list("pk", "eservice__required_receivers__pk", "eservice__required_receivers__name")
    )
    confirmed = set(
        Delivery.objects.filter(case_id__in=case_ids).values_list("case_id", "client_id")
    )
    result: dict[int, list[str]] = {}
    for case_id, client_id, name in rows:
        if client_id is not None and (case_id, client_id) not in confirmed:
            result.setdefault(case_id, []).append(
                _("%(system)s har inte bekräftat leveransen") % {"system": name}
            )
    return result


WAIT = Wait(name="integrations.required_receivers", condition=waiting, describe=describe)
