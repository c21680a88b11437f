"""The e-service's steps and questions, and the buttons on each row: move,
copy and delete (focus stays where the administrator was)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from etjanst.eservices import builder, formedit
from etjanst.eservices.lint import lint
from etjanst.eservices.models import EService
from etjanst.people.access import may_build

from ..access import staff_view
from .base import eservice_for
from .catalogue import status_of


@staff_view(may_build)
def overview(request, eservice_id: int):
    eservice = eservice_for(request, eservice_id)
    form, token = builder.working_form(eservice)
    findings = lint(eservice, form)
    draft = builder.draft_of(eservice)
    focus = request.GET.get("fokus", "")
    # Everything per row is prepared here: the page has 200+ rows, and
    # template lookups and {% url %} per row were most of its time
    # (bench/builder.py: 233 → see docs/benchmarks.md).
    type_labels = {k: str(v) for k, v in formedit.TYPE_LABELS.items()}
    edit_base = reverse("staff:builder_question", args=[eservice.pk, "x"])[:-2]
    steps = [
        {
            "step": step,
            "number": n,
            "url": reverse("staff:builder_step", args=[eservice.pk, step["id"]]),
            "add_url": reverse("staff:builder_add_question", args=[eservice.pk, step["id"]]),
            "focus": focus.removeprefix(f"step-{step['id']}-")
            if focus.startswith(f"step-{step['id']}-")
            else "",
            "condition": formedit.describe_condition(form, step.get("visible_if")),
            "questions": [
                {
                    "q": q,
                    "name": formedit.label_of(q)[:40],
                    "choices": ", ".join(c["label"] for c in q.get("choices", [])),
                    "url": f"{edit_base}{q['id']}/",
                    "focus": focus.removeprefix(f"q-{q['id']}-")
                    if focus.startswith(f"q-{q['id']}-")
                    else "",
                    "type": type_labels.get(q["type"], q["type"]),
                    "visible_if": formedit.describe_condition(form, q.get("visible_if")),
                    "required_if": formedit.describe_condition(form, q.get("required_if")),
                }
                for q in step["questions"]
            ],
        }
        for n, step in enumerate(form["steps"], start=1)
    ]
    return render(
        request,
        "staff/builder/eservice.html",
        {
            "eservice": eservice,
            "status": status_of(
                EService.objects.with_publication().get(pk=eservice.pk),
            ),
            "steps": steps,
            "token": token,
            "draft": draft,
            "errors": [f for f in findings if f.is_error],
            "warnings": [f for f in findings if not f.is_error],
            "focus": focus,
            "confirmation_email": form.get("confirmation_email", True),
        },
    )


ROW_ACTIONS = {
    "step_up", "step_down", "step_copy", "step_delete",
    "question_up", "question_down", "question_copy", "question_delete",
    "confirmation_on", "confirmation_off",
}  # fmt: skip


@staff_view(may_build)
def change(request, eservice_id: int):
    """The buttons on the overview: move, copy and delete steps and questions."""
    eservice = eservice_for(request, eservice_id)
    if request.method != "POST":
        return redirect("staff:builder_eservice", eservice.pk)
    # One form per step: a button says what and on which ("question_up:<id>").
    action, _colon, target = request.POST.get("action", "").partition(":")
    target = target or request.POST.get("target", "")
    if action not in ROW_ACTIONS:
        messages.error(request, _("Okänd åtgärd."))
        return redirect("staff:builder_eservice", eservice.pk)
    if action == "step_delete" and not request.POST.get("confirmed"):
        form_json, _token = builder.working_form(eservice)
        step_ = formedit.find_step(form_json, target)
        if step_ and step_["questions"]:  # a step with questions: ask first
            return render(
                request,
                "staff/builder/confirm_delete.html",
                {"eservice": eservice, "step": step_, "token": request.POST.get("token", "")},
            )
    result = {}

    def run(form: dict) -> str:
        if action in ("step_up", "step_down"):
            offset = -1 if action == "step_up" else 1
            result["focus"] = f"step-{target}-{'up' if offset < 0 else 'down'}"
            return formedit.move_step(form, target, offset)
        if action == "step_copy":
            new_id, summary = formedit.copy_step(form, target)
            result["focus"] = f"step-{new_id}-heading"
            return summary
        if action == "step_delete":
            ids = [s["id"] for s in form["steps"]]
            index = ids.index(target) if target in ids else 0
            summary = formedit.delete_step(form, target)
            result["focus"] = _neighbour_step(form, index)
            return summary
        if action in ("question_up", "question_down"):
            offset = -1 if action == "question_up" else 1
            result["focus"] = f"q-{target}-{'up' if offset < 0 else 'down'}"
            return formedit.move_question(form, target, offset)
        if action == "question_copy":
            new_id, summary = formedit.copy_question(form, target)
            result["focus"] = f"q-{new_id}-edit"
            return summary
        if action == "question_delete":
            found = formedit.find_question(form, target)
            summary = formedit.delete_question(form, target)
            if found:
                step = found[0]
                result["focus"] = (
                    f"q-{step['questions'][0]['id']}-edit"
                    if step["questions"]
                    else f"step-{step['id']}-add"
                )
            return summary
        result["focus"] = "confirmation"
        return formedit.set_confirmation_email(form, action == "confirmation_on")

    return _run_edit(request, eservice, run, result)


def _run_edit(request, eservice, run, result):
    try:
        builder.edit_draft(
            eservice=eservice, actor=request.user, token=request.POST.get("token", ""), change=run
        )
    except builder.StaleDraft as exc:
        messages.error(request, exc.message)
        return redirect("staff:builder_eservice", eservice.pk)
    except builder.BuilderError as exc:
        # E.g. "cannot move further": the message shows, focus stays on the button.
        messages.error(request, exc.message)
    focus = result.get("focus", "")
    url = reverse("staff:builder_eservice", args=[eservice.pk])
    return redirect(f"{url}?fokus={focus}" if focus else url)


def _neighbour_step(form: dict, index: int) -> str:
    if not form["steps"]:
        return "add-step"
    step = form["steps"][min(index, len(form["steps"]) - 1)]
    return f"step-{step['id']}-heading"
