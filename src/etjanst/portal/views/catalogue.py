from itertools import groupby

from django.shortcuts import get_object_or_404, render

from etjanst.eid.registry import swedish_eid_names
from etjanst.eservices.models import EService
from etjanst.people.models import Resident
from etjanst.submissions.models import Draft

from .testmode import form_session, test_run_aware


def catalogue(request):
    query = request.GET.get("q", "").strip()[:100]
    eservices = EService.objects.published().select_related("category")
    if query:
        eservices = eservices.search(query)
    eservices = sorted(eservices, key=lambda e: (e.category.order, e.category.name, e.name))
    groups = [
        (category, list(items)) for category, items in groupby(eservices, key=lambda e: e.category)
    ]
    return render(
        request,
        "portal/catalogue.html",
        {"groups": groups, "query": query, "count": len(eservices)},
    )


@test_run_aware
def intro(request, slug: str):
    if request.test_run is not None:  # the builder's test run of the draft
        eservice = request.test_run.eservice
    else:
        eservice = get_object_or_404(
            EService.objects.published().select_related("committee"), slug=slug
        )
    form = form_session(request, eservice)
    saved_draft = None
    if request.person is not None and not form.exists and request.test_run is None:
        saved_draft = (
            Draft.objects.filter(
                owner__in=Resident.objects.for_person(request.person), eservice=eservice
            )
            .order_by("-saved_at")
            .first()
        )
    return render(
        request,
        "portal/intro.html",
        {
            "eservice": eservice,
            "in_progress": form.exists,
            "saved_draft": saved_draft,
            "accepted_eids": swedish_eid_names() if eservice.needs_personnummer else [],
        },
    )
