"""The administrator's list of e-services, with their status."""

from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from etjanst.cases.models import Case, StatusKind
from etjanst.eservices import builder
from etjanst.eservices.models import EService
from etjanst.people.access import may_build

from ..access import staff_view


def status_of(eservice: EService, now=None) -> tuple[str, str]:
    """(code, word) for an e-service annotated by `with_publication`."""
    code = builder.publication_status(
        unpublish_at=eservice.unpublish_at,
        last_published=eservice.last_published,
        next_published=eservice.next_published,
        now=now,
    )
    return code, builder.PUBLICATION_STATUSES[code]


@staff_view(may_build)
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
