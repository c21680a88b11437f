"""Secrecy markings of a case for the register: on the whole case and per
answer. Any staff member who may open the case may set them (registering
is the registrar's task). Shows the questions, not the answers."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from etjanst.cases.models import Case
from etjanst.diarium import actions
from etjanst.diarium.constants import SECRECY_GROUNDS
from etjanst.diarium.models import SecrecyMarking
from etjanst.eservices.presentation import summarise
from etjanst.people.access import is_staff_member

from .access import staff_view


@staff_view(logged_in=is_staff_member)
def case_secrecy(request, case_id: int):
    case = get_object_or_404(
        Case.objects.visible_to_staff(request.user).select_related("eservice", "version"),
        pk=case_id,
    )
    questions = [
        (row.question.id, row.question.label)
        for section in summarise(case.version.definition, case.answers)
        for row in section.rows
    ]
    current = dict(SecrecyMarking.objects.filter(case=case).values_list("question_id", "ground"))
    grounds = [g for g, _label in SECRECY_GROUNDS]
    grounds += sorted(set(current.values()) - set(grounds))
    errors = {}
    if request.method == "POST":
        wanted = {
            key: request.POST.get(f"s-{key}", "").strip()
            for key in ["", *(qid for qid, _label in questions)]
        }
        try:
            actions.set_secrecy(case=case, grounds=wanted, staff_user=request.user)
        except actions.SecrecyInvalid as exc:
            errors = {f"s-{key}": message for key, message in exc.errors.items()}
        else:
            messages.success(request, _("Sekretessmarkeringarna är sparade."))
            return redirect("staff:case", case_id=case.pk)
    return render(
        request,
        "staff/secrecy.html",
        {
            "case": case,
            "rows": [("", _("Hela ärendet"), current.get("", ""))]
            + [(qid, label, current.get(qid, "")) for qid, label in questions],
            "grounds": grounds,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
