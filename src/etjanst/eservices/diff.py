"""A readable difference between two versions of a form: steps and questions
added, removed, moved and changed (labels, types, choices, conditions), in
Swedish, for the builder's version list."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .formedit import TYPE_LABELS, describe_condition


@dataclass(frozen=True)
class Change:
    kind: str  # added, removed, changed
    text: str


def _label(question: dict) -> str:
    return question.get("label") or question.get("text", "")[:60] or question["id"]


def _questions(form: dict) -> dict[str, tuple[int, str, dict]]:
    return {
        q["id"]: (index, step["title"], q)
        for index, (step, q) in enumerate(
            (step, q) for step in form.get("steps", []) for q in step.get("questions", [])
        )
    }


def diff_forms(old: dict, new: dict) -> list[Change]:
    changes: list[Change] = []
    old_steps = {s["id"]: s for s in old.get("steps", [])}
    new_steps = {s["id"]: s for s in new.get("steps", [])}
    for step_id, step in new_steps.items():
        if step_id not in old_steps:
            changes.append(Change("added", _("Nytt steg «%(t)s».") % {"t": step["title"]}))
            continue
        before = old_steps[step_id]
        if before["title"] != step["title"]:
            changes.append(
                Change(
                    "changed",
                    _("Steget «%(a)s» heter nu «%(b)s».")
                    % {"a": before["title"], "b": step["title"]},
                )
            )
        if before.get("description", "") != step.get("description", ""):
            changes.append(
                Change("changed", _("Ny beskrivning av steget «%(t)s».") % {"t": step["title"]})
            )
        if before.get("visible_if") != step.get("visible_if"):
            changes.append(
                Change(
                    "changed",
                    _("Steget «%(t)s» visas nu: %(c)s.")
                    % {
                        "t": step["title"],
                        "c": describe_condition(new, step.get("visible_if")) or _("alltid"),
                    },
                )
            )
    for step_id, step in old_steps.items():
        if step_id not in new_steps:
            changes.append(Change("removed", _("Steget «%(t)s» togs bort.") % {"t": step["title"]}))
    if [s for s in new_steps if s in old_steps] != [s for s in old_steps if s in new_steps]:
        changes.append(Change("changed", _("Stegen har fått en ny ordning.")))
    old_questions = _questions(old)
    new_questions = _questions(new)
    for qid, (_index, step_title, question) in new_questions.items():
        if qid not in old_questions:
            changes.append(
                Change(
                    "added",
                    _("Ny fråga «%(l)s» (%(type)s) i steget «%(t)s».")
                    % {
                        "l": _label(question),
                        "type": TYPE_LABELS.get(question["type"], question["type"]),
                        "t": step_title,
                    },
                )
            )
            continue
        _old_index, old_step_title, before = old_questions[qid]
        label = _label(question)
        if _label(before) != label:
            changes.append(
                Change(
                    "changed",
                    _("Frågan «%(a)s» heter nu «%(b)s».") % {"a": _label(before), "b": label},
                )
            )
        if old_step_title != step_title:
            changes.append(
                Change(
                    "changed",
                    _("Frågan «%(l)s» flyttades till steget «%(t)s».")
                    % {"l": label, "t": step_title},
                )
            )
        if before["type"] != question["type"]:
            changes.append(
                Change(
                    "changed",
                    _("Frågan «%(l)s» är nu av typen %(type)s.")
                    % {"l": label, "type": TYPE_LABELS.get(question["type"], question["type"])},
                )
            )
        if bool(before.get("required")) != bool(question.get("required")):
            text = (
                _("Frågan «%(l)s» måste nu besvaras.")
                if question.get("required")
                else _("Frågan «%(l)s» behöver inte längre besvaras.")
            )
            changes.append(Change("changed", text % {"l": label}))
        if before.get("choices") != question.get("choices"):
            changes.append(
                Change(
                    "changed",
                    _("Nya svarsalternativ för «%(l)s»: %(c)s.")
                    % {"l": label, "c": ", ".join(c["label"] for c in question.get("choices", []))},
                )
            )
        for key, word in (("visible_if", _("visas")), ("required_if", _("krävs"))):
            if before.get(key) != question.get(key):
                changes.append(
                    Change(
                        "changed",
                        _("Villkoret för när «%(l)s» %(word)s: %(c)s.")
                        % {
                            "l": label,
                            "word": word,
                            "c": describe_condition(new, question.get(key)) or _("alltid"),
                        },
                    )
                )
        rest = {"label", "required", "choices", "visible_if", "required_if", "type", "id"}
        if {k: v for k, v in before.items() if k not in rest} != {
            k: v for k, v in question.items() if k not in rest
        }:
            changes.append(
                Change(
                    "changed",
                    _("Andra inställningar för «%(l)s» (hjälptext, gränser eller filtyper).")
                    % {"l": label},
                )
            )
    for qid, (_index, step_title, question) in old_questions.items():
        if qid not in new_questions:
            changes.append(
                Change(
                    "removed",
                    _("Frågan «%(l)s» togs bort från steget «%(t)s».")
                    % {"l": _label(question), "t": step_title},
                )
            )
    if old.get("confirmation_email", True) != new.get("confirmation_email", True):
        changes.append(
            Change(
                "changed",
                _("Bekräftelse per e-post är nu påslagen.")
                if new.get("confirmation_email", True)
                else _("Bekräftelse per e-post är nu avslagen."),
            )
        )
    return changes
