from itertools import groupby

from django.shortcuts import get_object_or_404, render

from etjanst.eid.registry import swedish_eid_names
from etjanst.eservices.models import EService
from etjanst.people.models import Resident
from etjanst.submissions.models import Draft
from etjanst.submissions.session import FormSession


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


def intro(request, slug: str):
    eservice = get_object_or_404(
        EService.objects.published().select_related("committee"), slug=slug
    )
    form = FormSession(request.session, eservice)
    saved_draft = None
    if request.person is not None and not form.exists:
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
