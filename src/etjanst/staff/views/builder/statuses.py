"""An e-service's own statuses (the rules are in cases.statuses)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from etjanst.cases import statuses as case_statuses
from etjanst.cases.models import Status, StatusKind
from etjanst.people.access import may_build

from ..access import staff_view
from .base import eservice_for


@staff_view(may_build)
def statuses(request, eservice_id: int):
    eservice = eservice_for(request, eservice_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "customise":
                case_statuses.customise_statuses(eservice=eservice, actor=request.user)
                messages.success(request, _("E-tjänsten har nu egna statusar. Ändra dem här."))
            else:
                rows = {}
                for status in case_statuses.own_statuses(eservice):
                    key = f"s{status.pk}"
                    rows[status.pk] = {
                        "name": request.POST.get(f"{key}-name", ""),
                        "resident_name": request.POST.get(f"{key}-resident_name", ""),
                        "next": [
                            int(v) for v in request.POST.getlist(f"{key}-next") if v.isdigit()
                        ],
                        "remove": request.POST.get(f"{key}-remove") == "on",
                    }
                new = {
                    "name": request.POST.get("new-name", ""),
                    "resident_name": request.POST.get("new-resident_name", ""),
                    "kind": request.POST.get("new-kind", ""),
                }
                case_statuses.save_statuses(
                    eservice=eservice, actor=request.user, rows=rows, new=new
                )
                messages.success(request, _("Statusarna sparades."))
        except case_statuses.StatusError as exc:
            errors = exc.fields or {"statuses": exc.message}
        else:
            return redirect("staff:builder_statuses", eservice.pk)
    own = case_statuses.own_statuses(eservice)
    shown = own or list(
        Status.objects.filter(eservice__isnull=True).prefetch_related("next_statuses")
    )
    posted = request.POST if errors else {}
    rows = [
        {
            "status": s,
            "name": posted.get(f"s{s.pk}-name", s.name),
            "resident_name": posted.get(f"s{s.pk}-resident_name", s.resident_name),
            "next": (
                {int(v) for v in posted.getlist(f"s{s.pk}-next") if v.isdigit()}
                if errors
                else {n.pk for n in s.next_statuses.all()}
            ),
            "errors": {
                part: errors.get(f"s{s.pk}-{part}", "")
                for part in ("name", "resident_name", "next", "remove")
            },
        }
        for s in shown
    ]
    return render(
        request,
        "staff/builder/statuses.html",
        {
            "eservice": eservice,
            "own": bool(own),
            "rows": rows,
            "errors": errors,
            "kinds": StatusKind.choices,
            "new_fields": [
                (
                    (
                        part,
                        posted.get(f"new-{part}", "") if errors else "",
                        errors.get(f"new-{part}"),
                    ),
                    label,
                )
                for part, label in (
                    ("name", _("Namn för handläggare")),
                    ("resident_name", _("Så här ser invånaren statusen")),
                    ("kind", _("Vad betyder statusen?")),
                )
            ],
        },
        status=400 if errors else 200,
    )
