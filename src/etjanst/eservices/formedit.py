"""The form JSON as the builder edits it: finding steps and questions, ids
made from labels, conditions in words, what an administrator typed turned
into a question (with a Swedish message per field), and the edits (add,
move, copy, delete). Pure functions on the document; `builder` runs them
on a locked draft, logged."""

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .filetypes import KINDS

TYPE_LABELS = {
    "short_text": gettext_lazy("Kort text"),
    "long_text": gettext_lazy("Lång text"),
    "number": gettext_lazy("Tal"),
    "email": gettext_lazy("E-postadress"),
    "phone": gettext_lazy("Telefonnummer"),
    "personnummer": gettext_lazy("Personnummer"),
    "date": gettext_lazy("Datum"),
    "single_choice": gettext_lazy("Ett val av flera"),
    "multiple_choice": gettext_lazy("Flera val"),
    "yes_no": gettext_lazy("Ja eller nej"),
    "confirmation": gettext_lazy("Kryssruta att bekräfta"),
    "info": gettext_lazy("Informationstext (ingen fråga)"),
    "address": gettext_lazy("Adress"),
    "contact": gettext_lazy("Kontaktuppgifter"),
    "file": gettext_lazy("Bifogad fil"),
    "booking": gettext_lazy("Bokning av tid"),
    "child": gettext_lazy("Välj barn (från folkbokföringen)"),
}

# The fields the builder offers per question type (besides the conditions).
COMMON = ("label", "help_text", "required")
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "short_text": (*COMMON, "min_length", "max_length", "pattern", "pattern_message"),
    "long_text": (*COMMON, "min_length", "max_length"),
    "number": (*COMMON, "min", "max", "integer"),
    "email": COMMON,
    "phone": COMMON,
    "personnummer": (*COMMON, "from_login", "allow_samordningsnummer"),
    "date": (*COMMON, "min_date", "max_date"),
    "single_choice": (*COMMON, "choices", "widget"),
    "multiple_choice": (*COMMON, "choices", "min_choices", "max_choices"),
    "yes_no": COMMON,
    "confirmation": COMMON,
    "info": ("label", "text"),
    "address": COMMON,
    "contact": (*COMMON, "email_required", "phone_required"),
    "file": (*COMMON, "file_types", "max_size_mb", "max_files"),
    "booking": (*COMMON, "resource", "days"),
    "child": (*COMMON, "min_age", "max_age", "in_municipality"),
}
VALIDATION_FIELDS = {
    "min_length", "max_length", "pattern", "pattern_message", "min", "max", "integer",
    "min_date", "max_date", "min_choices", "max_choices", "file_types", "max_size_mb",
    "max_files",
}  # fmt: skip
BOOLEAN_OPTIONS = {
    "from_login", "allow_samordningsnummer", "email_required", "phone_required", "in_municipality",
}  # fmt: skip
LIMITS = {"label": 300, "help_text": 1000, "text": 5000, "pattern": 500, "pattern_message": 300}
CHOICE_LIMIT = 200
TITLE_LIMIT = 200
DESCRIPTION_LIMIT = 2000
# Markup in a text: an administrator writes plain text, the pages escape it.
MARKUP_RE = re.compile(r"<\s*[A-Za-z!/?]")
RELATIVE_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}|today([+-]\d{1,5})?)$")


class BuilderError(Exception):
    """What the administrator asked for cannot be done. `fields` maps a form
    field to its Swedish message, shown next to the field."""

    def __init__(self, message: str = "", *, fields: Mapping[str, str] | None = None) -> None:
        self.fields = dict(fields or {})
        self.message = message or _("Rätta det som är markerat och spara igen.")
        super().__init__(self.message)


def find_question(form: dict, question_id: str) -> tuple[dict, dict] | None:
    for step in form["steps"]:
        for question in step["questions"]:
            if question["id"] == question_id:
                return step, question
    return None


def find_step(form: dict, step_id: str) -> dict | None:
    return next((s for s in form["steps"] if s["id"] == step_id), None)


def all_ids(form: dict) -> set[str]:
    return {s["id"] for s in form["steps"]} | {
        q["id"] for s in form["steps"] for q in s["questions"]
    }


def new_question_id(form: dict, data: Mapping) -> str:
    """The id for a new question with these fields (from its label or text)."""
    return make_id(_one(data, "label") or _one(data, "text")[:40], all_ids(form))


def make_id(text: str, taken: set[str], fallback: str = "fraga") -> str:
    """A stable id from a label: lower-case ASCII, made once and never typed
    or changed, so answers keep their meaning when the label changes."""
    base = slugify(text.replace("å", "a").replace("ä", "a").replace("ö", "o")).replace("-", "_")
    base = re.sub(r"[^a-z0-9_]", "", base)[:40].strip("_")
    if not base or not base[0].isalpha():
        base = f"{fallback}_{base}".strip("_")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


# --- conditions in words ----------------------------------------------------


def label_of(question: dict) -> str:
    return question.get("label") or question.get("text", "")[:60] or question["id"]


def _values(question: dict) -> list[tuple[str, str]] | None:
    """The answers a condition can test for: (value, label), or None when
    the question has free answers."""
    if question.get("choices"):
        return [(c["value"], c["label"]) for c in question["choices"]]
    if question["type"] == "yes_no":
        return [("yes", _("Ja")), ("no", _("Nej"))]
    return None


@dataclass(frozen=True)
class ConditionOption:
    code: str
    text: str


def encode_condition(condition: dict | None) -> str:
    """A condition as the value of an option in the builder's lists."""
    if not condition:
        return ""
    for operator in ("equals", "not_equals", "checked", "one_of"):
        if operator in condition:
            value = condition[operator]
            if operator == "checked":
                value = "1" if value else "0"
            elif operator == "one_of":
                value = ",".join(map(str, value))
            return f"{condition['question']}:{operator}:{value}"
    return ""


def with_current(options: list, form: dict, current: dict | None) -> list:
    """The options plus the condition the question has now, when the lists
    do not offer it (e.g. "one of" from an imported form, or a condition
    pointing at a deleted question, which the check reports): keeping the
    page as it is never changes a condition."""
    code = encode_condition(current)
    if code and code not in {o.code for o in options}:
        return [*options, ConditionOption(code, describe_condition(form, current))]
    return options


def condition_options(form: dict, *, before_question: str = "", before_step: str = "") -> list:
    """The conditions an administrator can choose, in words: only on earlier
    questions, only with the choices those questions really have."""
    options: list[ConditionOption] = []
    for step in form["steps"]:
        if step["id"] == before_step:
            break
        for question in step["questions"]:
            if question["id"] == before_question:
                return options
            if question["type"] in ("info",):
                continue
            label = label_of(question)
            values = _values(question)
            if values is None:
                yes, no = (
                    (_("är ikryssad"), _("är inte ikryssad"))
                    if question["type"] == "confirmation"
                    else (_("är ifylld"), _("är inte ifylld"))
                )
                options.append(ConditionOption(f"{question['id']}:checked:1", f"«{label}» {yes}"))
                options.append(ConditionOption(f"{question['id']}:checked:0", f"«{label}» {no}"))
                continue
            for value, text in values:
                options.append(
                    ConditionOption(
                        f"{question['id']}:equals:{value}",
                        _("«%(q)s» är «%(v)s»") % {"q": label, "v": text},
                    )
                )
            for value, text in values:
                options.append(
                    ConditionOption(
                        f"{question['id']}:not_equals:{value}",
                        _("«%(q)s» är inte «%(v)s»") % {"q": label, "v": text},
                    )
                )
    return options


def describe_condition(form: dict, condition: dict | None) -> str:
    """A condition in words, also when it points at nothing any more."""
    if not condition:
        return ""
    found = find_question(form, condition["question"])
    if found is None:
        return _("en fråga som inte finns längre (%(id)s)") % {"id": condition["question"]}
    question = found[1]
    label = label_of(question)
    if "checked" in condition:
        if question["type"] == "confirmation":
            verb = _("är ikryssad") if condition["checked"] else _("är inte ikryssad")
        else:
            verb = _("är ifylld") if condition["checked"] else _("är inte ifylld")
        return f"«{label}» {verb}"
    names = dict(_values(question) or [])
    if "one_of" in condition:
        value = ", ".join(names.get(str(v), str(v)) for v in condition["one_of"])
        return _("«%(q)s» är något av «%(v)s»") % {"q": label, "v": value}
    operator = "equals" if "equals" in condition else "not_equals"
    raw = str(condition[operator])
    value = names.get(raw, raw)
    if operator == "equals":
        return _("«%(q)s» är «%(v)s»") % {"q": label, "v": value}
    return _("«%(q)s» är inte «%(v)s»") % {"q": label, "v": value}


def _parse_condition(
    code: str, options: list[ConditionOption], current: dict | None = None
) -> dict | None:
    code = (code or "").strip()
    if not code:
        return None
    if current and code == encode_condition(current):
        return copy.deepcopy(current)  # unchanged, whatever its form
    if code not in {o.code for o in options}:
        raise ValueError(code)
    question, operator, value = code.split(":", 2)
    if operator == "checked":
        return {"question": question, "checked": value == "1"}
    return {"question": question, operator: value}


# --- parsing what the administrator typed -------------------------------------


def _text_error(value: str, limit: int) -> str:
    if len(value) > limit:
        return _("Texten får vara högst %(max)d tecken. Nu är den %(n)d tecken.") % {
            "max": limit,
            "n": len(value),
        }
    if MARKUP_RE.search(value):
        return _("Skriv vanlig text utan HTML-kod (tecknet < följt av en bokstav).")
    return ""


def _one(data: Mapping, name: str) -> str:
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value).replace("\r\n", "\n").strip()


def _many(data: Mapping, name: str) -> list[str]:
    value = data.get(name, [])
    return [str(v) for v in (value if isinstance(value, list) else [value]) if v]


def _checked(data: Mapping, name: str) -> bool:
    return _one(data, name) in ("on", "1", "true", "ja")


def _number(data: Mapping, name: str, errors: dict, *, integer: bool = True):
    raw = _one(data, name).replace(",", ".").replace(" ", "")
    if not raw:
        return None
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        errors[name] = _("Skriv ett heltal.") if integer else _("Skriv ett tal.")
        return None
    if integer and value < 0:
        errors[name] = _("Skriv ett tal som är 0 eller större.")
        return None
    if not integer and value == int(value) and abs(value) < 1e15:
        value = int(value)
    return value


def _choices(text: str, old: list[dict], errors: dict) -> list[dict]:
    """One choice per line. A line with the same text as before keeps its
    value; a changed line keeps the value at its place, so conditions and
    answers already given still point at it."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        errors["choices"] = _("Skriv minst ett svarsalternativ, ett per rad.")
        return []
    seen: set[str] = set()
    for line in lines:
        if line.casefold() in seen:
            errors["choices"] = _("Svarsalternativet «%(c)s» finns två gånger.") % {"c": line}
            return []
        seen.add(line.casefold())
        problem = _text_error(line, CHOICE_LIMIT)
        if problem:
            errors["choices"] = problem
            return []
    by_label = {c["label"]: c["value"] for c in old}
    used = {by_label[line] for line in lines if line in by_label}
    free = [c["value"] for c in old if c["value"] not in used]
    taken = {c["value"] for c in old}
    result = []
    for index, line in enumerate(lines):
        if line in by_label:
            value = by_label[line]
        elif index < len(old) and old[index]["value"] in free:
            value = old[index]["value"]
            free.remove(value)
        else:
            value = make_id(line, taken, fallback="val")
        taken.add(value)
        result.append({"value": value, "label": line})
    return result


def parse_question_fields(
    *,
    form: dict,
    question_type: str,
    data: Mapping,
    question_id: str,
    existing: dict | None = None,
    resources: set[str] | None = None,
    prefill_options: set[str] | None = None,
) -> dict:
    """The question built from the builder's fields, or BuilderError with a
    Swedish message per field. `existing` keeps what the builder does not
    show (prefill, secrecy) and the values of choices."""
    if question_type not in TYPE_FIELDS:
        raise BuilderError(fields={"type": _("Välj en frågetyp i listan.")})
    fields = TYPE_FIELDS[question_type]
    errors: dict[str, str] = {}
    question: dict = {"id": question_id, "type": question_type}
    keep = {"secret", "diarium_title", "autocomplete", "required_message"}
    if prefill_options is None:  # the builder offers no prefill here: keep what is there
        keep.add("prefill")
    for key, value in (existing or {}).items():
        if key in keep:
            question[key] = value
    for name in ("label", "help_text", "text", "pattern_message"):
        if name not in fields:
            continue
        value = _one(data, name)
        problem = _text_error(value, LIMITS[name])
        if problem:
            errors[name] = problem
        elif value:
            if name == "pattern_message":
                question.setdefault("validation", {})[name] = value
            else:
                question[name] = value
    if question_type == "info":
        if not question.get("text") and "text" not in errors:
            errors["text"] = _("Skriv informationstexten.")
    elif not question.get("label") and "label" not in errors:
        errors["label"] = _("Skriv frågan.")
    if "required" in fields and _checked(data, "required"):
        question["required"] = True
    validation = question.setdefault("validation", {})
    for name in ("min_length", "max_length", "min_choices", "max_choices", "max_files"):
        if name in fields:
            value = _number(data, name, errors)
            if value is not None:
                validation[name] = value
    for name in ("min", "max", "max_size_mb"):
        if name in fields:
            value = _number(data, name, errors, integer=False)
            if value is not None:
                validation[name] = value
    for low, high in (("min_length", "max_length"), ("min", "max"), ("min_choices", "max_choices")):
        if low in validation and high in validation and validation[low] > validation[high]:
            errors[low] = _("Det minsta värdet får inte vara större än det största.")
    if validation.get("max_length") == 0:
        errors["max_length"] = _("Skriv ett tal som är 1 eller större.")
    if validation.get("max_length", 0) > 20000:
        errors["max_length"] = _("Högst 20 000 tecken.")
    if "max_size_mb" in validation and not 0 < validation["max_size_mb"] <= 100:
        errors["max_size_mb"] = _("Skriv en storlek större än 0 och högst 100 MB.")
    if "max_files" in validation and not 1 <= validation["max_files"] <= 20:
        errors["max_files"] = _("Skriv ett antal mellan 1 och 20.")
    if "pattern" in fields:
        pattern = _one(data, "pattern")
        if len(pattern) > LIMITS["pattern"]:
            errors["pattern"] = _("Mönstret får vara högst 500 tecken.")
        elif pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                errors["pattern"] = _(
                    "Mönstret är inget giltigt reguljärt uttryck (%(error)s). Lämna fältet "
                    "tomt om svaret inte behöver ha ett visst format."
                ) % {"error": exc}
            else:
                validation["pattern"] = pattern
    if "integer" in fields and _checked(data, "integer"):
        validation["integer"] = True
    for name in ("min_date", "max_date"):
        if name in fields:
            value = _one(data, name)
            if value and not RELATIVE_DATE_RE.fullmatch(value):
                errors[name] = _(
                    "Skriv ett datum som ÅÅÅÅ-MM-DD, eller today, today+30 eller today-365."
                )
            elif value:
                validation[name] = value
    if "file_types" in fields:
        types = _many(data, "file_types")
        if any(t not in KINDS for t in types):
            errors["file_types"] = _("Välj filtyper i listan.")
        elif types:
            validation["file_types"] = list(dict.fromkeys(types))
    if not validation:
        del question["validation"]
    if "choices" in fields:
        choices = _choices(_one(data, "choices"), (existing or {}).get("choices", []), errors)
        if choices:
            question["choices"] = choices
        if question_type == "multiple_choice" and choices:
            top = validation.get("max_choices")
            if top is not None and top > len(choices) and "max_choices" not in errors:
                errors["max_choices"] = _("Det finns bara %(n)d svarsalternativ.") % {
                    "n": len(choices)
                }
    if "widget" in fields:
        question["widget"] = "dropdown" if _one(data, "widget") == "dropdown" else "radio"
    for name in BOOLEAN_OPTIONS & set(fields):
        question[name] = _checked(data, name)
    if question_type == "contact" and not question["email_required"]:
        question["email_required"] = False
    if "resource" in fields:
        resource = _one(data, "resource")
        if not resource or (resources is not None and resource not in resources):
            errors["resource"] = _("Välj vad som ska bokas.")
        else:
            question["resource"] = resource
        days = _number(data, "days", errors)
        if days is not None:
            if not 1 <= days <= 92:
                errors["days"] = _("Skriv ett antal dagar mellan 1 och 92.")
            else:
                question["days"] = days
    for name in ("min_age", "max_age"):  # the child question's age range
        if name in fields:
            age = _number(data, name, errors)
            if age is not None and not 0 <= age <= 17:
                errors[name] = _("Skriv en ålder mellan 0 och 17 år.")
            elif age is not None:
                question[name] = age
    if question.get("min_age", 0) > question.get("max_age", 17) and "min_age" not in errors:
        errors["min_age"] = _("Den lägsta åldern får inte vara högre än den högsta.")
    if prefill_options:
        code = _one(data, "prefill")
        if code and code not in prefill_options:
            errors["prefill"] = _("Välj en uppgift i listan.")
        elif code:
            source, attribute = code.split(":", 1)
            spec = {"source": source, "attribute": attribute}
            if _checked(data, "prefill_locked"):
                spec["locked"] = True
            old = (existing or {}).get("prefill") or {}
            if old.get("protected_text"):
                spec["protected_text"] = old["protected_text"]
            question["prefill"] = spec
    for key in ("visible_if", "required_if"):
        options = condition_options(form, before_question=question_id)
        if existing is None:  # a new question goes last: every question is earlier
            options = condition_options(form)
        try:
            condition = _parse_condition(_one(data, key), options, (existing or {}).get(key))
        except ValueError:
            errors[key] = _("Välj ett villkor i listan (bara tidigare frågor kan väljas).")
            continue
        if condition:
            question[key] = condition
    if errors:
        raise BuilderError(fields=errors)
    return question


def parse_step_fields(
    *, form: dict, data: Mapping, step_id: str = "", current: dict | None = None
) -> dict:
    errors: dict[str, str] = {}
    step: dict = {}
    title = _one(data, "title")
    problem = _text_error(title, TITLE_LIMIT) if title else _("Skriv en rubrik för steget.")
    if problem:
        errors["title"] = problem
    step["title"] = title
    description = _one(data, "description")
    problem = _text_error(description, DESCRIPTION_LIMIT)
    if problem:
        errors["description"] = problem
    elif description:
        step["description"] = description
    options = condition_options(form, before_step=step_id) if step_id else condition_options(form)
    try:
        condition = _parse_condition(_one(data, "visible_if"), options, current)
    except ValueError:
        errors["visible_if"] = _("Välj ett villkor i listan (bara frågor i tidigare steg).")
    else:
        if condition:
            step["visible_if"] = condition
    if errors:
        raise BuilderError(fields=errors)
    return step


def add_step(form: dict, fields: dict) -> tuple[str, str]:
    step_id = make_id(fields["title"], all_ids(form), fallback="steg")
    form["steps"].append({"id": step_id, **fields, "questions": []})
    return step_id, _("Lade till steget «%(t)s».") % {"t": fields["title"]}


def update_step(form: dict, step_id: str, fields: dict) -> str:
    step = _step_or_error(form, step_id)
    questions = step["questions"]
    step.clear()
    step.update({"id": step_id, **fields, "questions": questions})
    return _("Ändrade steget «%(t)s».") % {"t": fields["title"]}


def _step_or_error(form: dict, step_id: str) -> dict:
    step = find_step(form, step_id)
    if step is None:
        raise BuilderError(_("Steget finns inte längre. Läs in sidan igen."))
    return step


def _question_or_error(form: dict, question_id: str) -> tuple[dict, dict]:
    found = find_question(form, question_id)
    if found is None:
        raise BuilderError(_("Frågan finns inte längre. Läs in sidan igen."))
    return found


def delete_step(form: dict, step_id: str) -> str:
    step = _step_or_error(form, step_id)
    form["steps"].remove(step)
    return _("Tog bort steget «%(t)s».") % {"t": step["title"]}


def move_step(form: dict, step_id: str, offset: int) -> str:
    step = _step_or_error(form, step_id)
    index = form["steps"].index(step)
    target = index + offset
    if not 0 <= target < len(form["steps"]):
        raise BuilderError(_("Steget kan inte flyttas längre åt det hållet."))
    form["steps"].insert(target, form["steps"].pop(index))
    return (
        _("Flyttade steget «%(t)s» upp.") if offset < 0 else _("Flyttade steget «%(t)s» ned.")
    ) % {"t": step["title"]}


def copy_step(form: dict, step_id: str) -> tuple[str, str]:
    """A copy right after the step, with new ids; conditions inside the step
    that look at its own questions look at the copies."""
    step = _step_or_error(form, step_id)
    taken = all_ids(form)
    clone = copy.deepcopy(step)
    clone["id"] = make_id(step["title"], taken, fallback="steg")
    taken.add(clone["id"])
    clone["title"] = _("Kopia av %(t)s") % {"t": step["title"]}
    clone["title"] = clone["title"][:TITLE_LIMIT]
    renamed = {}
    for question in clone["questions"]:
        new_id = make_id(label_of(question), taken)
        taken.add(new_id)
        renamed[question["id"]], question["id"] = new_id, new_id
    for question in clone["questions"]:
        for key in ("visible_if", "required_if"):
            condition = question.get(key)
            if condition and condition["question"] in renamed:
                condition["question"] = renamed[condition["question"]]
    form["steps"].insert(form["steps"].index(step) + 1, clone)
    return clone["id"], _("Kopierade steget «%(t)s».") % {"t": step["title"]}


def add_question(form: dict, step_id: str, question: dict) -> str:
    step = _step_or_error(form, step_id)
    step["questions"].append(question)
    return _("Lade till frågan «%(l)s» i steget «%(t)s».") % {
        "l": label_of(question),
        "t": step["title"],
    }


def update_question(form: dict, question_id: str, question: dict) -> str:
    step, old = _question_or_error(form, question_id)
    step["questions"][step["questions"].index(old)] = question
    return _("Ändrade frågan «%(l)s».") % {"l": label_of(question)}


def delete_question(form: dict, question_id: str) -> str:
    step, question = _question_or_error(form, question_id)
    step["questions"].remove(question)
    return _("Tog bort frågan «%(l)s».") % {"l": label_of(question)}


def move_question(form: dict, question_id: str, offset: int) -> str:
    """Up or down one place; past the top or bottom of its step into the
    neighbouring step (so no question is stuck without drag and drop)."""
    step, question = _question_or_error(form, question_id)
    questions = step["questions"]
    index = questions.index(question)
    target = index + offset
    if 0 <= target < len(questions):
        questions.insert(target, questions.pop(index))
    else:
        step_index = form["steps"].index(step) + offset
        if not 0 <= step_index < len(form["steps"]):
            raise BuilderError(_("Frågan kan inte flyttas längre åt det hållet."))
        questions.remove(question)
        neighbour = form["steps"][step_index]["questions"]
        if offset < 0:
            neighbour.append(question)
        else:
            neighbour.insert(0, question)
    word = _("upp") if offset < 0 else _("ned")
    return _("Flyttade frågan «%(l)s» %(dir)s.") % {"l": label_of(question), "dir": word}


def copy_question(form: dict, question_id: str) -> tuple[str, str]:
    step, question = _question_or_error(form, question_id)
    clone = copy.deepcopy(question)
    clone["id"] = make_id(label_of(question), all_ids(form))
    if clone.get("label"):
        clone["label"] = (_("Kopia av %(l)s") % {"l": clone["label"]})[: LIMITS["label"]]
    step["questions"].insert(step["questions"].index(question) + 1, clone)
    return clone["id"], _("Kopierade frågan «%(l)s».") % {"l": label_of(question)}


def set_confirmation_email(form: dict, on: bool) -> str:
    form["confirmation_email"] = on
    return _("Slog på bekräftelse per e-post.") if on else _("Slog av bekräftelse per e-post.")
