"""The check before publishing: what is wrong (errors, which block
publishing) or could be better (warnings) in an e-service and its form,
each finding pointing at the step or question it is about.

Written for speed: one pass over the form, no database queries beyond the
e-service's own fields (bench/builder.py measures it on 200 questions)."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .constants import Login
from .questions import question_types

ERROR = "error"
WARNING = "warning"

# LIX (läsbarhetsindex, Björnsson 1968): words per sentence plus the share of
# words longer than six letters in per cent. Above ~45 is hard to read for
# many; public-sector guides aim for 30–40. Written here because it is a few
# lines and the Python packages that offer it pull in large NLP models.
LIX_HARD = 45
LONG_SENTENCE_WORDS = 25
LIX_MIN_WORDS = 10  # too few words for a meaningful index
WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
SENTENCE_END_RE = re.compile(r"[.!?:]+(?:\s|$)|\n\s*\n")
ANSWER_TYPES_WITHOUT_ANSWER = {"info"}
EMAIL_TYPES = {"email", "contact"}


@dataclass(frozen=True)
class Finding:
    level: str
    message: str
    step_id: str = ""
    question_id: str = ""
    on_settings: bool = False  # fixed in the e-service's settings

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def has_errors(findings: list[Finding]) -> bool:
    return any(f.is_error for f in findings)


def lix(text: str) -> tuple[float, int, int]:
    """(LIX, number of words, words in the longest sentence) of a text."""
    sentences = [s for s in SENTENCE_END_RE.split(text) if s and s.strip()]
    words = 0
    long_words = 0
    longest = 0
    for sentence in sentences:
        found = WORD_RE.findall(sentence)
        words += len(found)
        long_words += sum(1 for w in found if len(w) > 6)
        longest = max(longest, len(found))
    if not words:
        return 0.0, 0, 0
    count = max(1, sum(1 for s in sentences if WORD_RE.search(s)))
    return words / count + 100 * long_words / words, words, longest


def _label(question: dict) -> str:
    return question.get("label") or question.get("text", "")[:60] or question["id"]


def _readability(text: str, where: str, step_id: str, question_id: str, out: list) -> None:
    if not text:
        return
    index, words, longest = lix(text)
    if words >= LIX_MIN_WORDS and index > LIX_HARD:
        out.append(
            Finding(
                WARNING,
                _(
                    "%(where)s är svår att läsa (LIX %(lix)d). Skriv kortare meningar och "
                    "kortare ord."
                )
                % {"where": where, "lix": round(index)},
                step_id,
                question_id,
            )
        )
    if longest > LONG_SENTENCE_WORDS:
        out.append(
            Finding(
                WARNING,
                _("%(where)s har en mening med %(n)d ord. Dela upp den.")
                % {"where": where, "n": longest},
                step_id,
                question_id,
            )
        )


def lint(eservice, form: dict) -> list[Finding]:
    """Every finding for the e-service with this form (its draft), in form order."""
    out: list[Finding] = []
    _lint_settings(eservice, form, out)
    steps = form.get("steps") or []
    if not steps:
        out.append(Finding(ERROR, _("E-tjänsten har inga steg. Lägg till ett steg med frågor.")))
    # Questions seen so far: id -> (question, can it ever be shown).
    seen: dict[str, tuple[dict, bool]] = {}
    later = {q["id"] for s in steps for q in s.get("questions", [])}
    has_email = False
    for step in steps:
        step_id = step["id"]
        title = step.get("title", "")
        step_shown = _check_condition(
            step.get("visible_if"),
            seen,
            later,
            out,
            step_id,
            "",
            _("Steget «%(t)s»") % {"t": title},
        )
        questions = step.get("questions", [])
        if not questions:
            out.append(Finding(ERROR, _("Steget «%(t)s» har inga frågor.") % {"t": title}, step_id))
        _readability(
            step.get("description", ""),
            _("Beskrivningen av steget «%(t)s»") % {"t": title},
            step_id,
            "",
            out,
        )
        labels: dict[str, str] = {}
        for question in questions:
            qid = question["id"]
            later.discard(qid)
            label = _label(question)
            where = _("Frågan «%(l)s»") % {"l": label}
            shown = step_shown
            shown &= _check_condition(
                question.get("visible_if"), seen, later, out, step_id, qid, where
            )
            _check_condition(question.get("required_if"), seen, later, out, step_id, qid, where)
            if not shown:
                out.append(
                    Finding(
                        ERROR,
                        _("%(where)s kan aldrig visas: villkoret kan inte bli uppfyllt.")
                        % {"where": where},
                        step_id,
                        qid,
                    )
                )
            key = question.get("label", "").strip().casefold()
            if key:
                if key in labels:
                    out.append(
                        Finding(
                            ERROR,
                            _(
                                "Två frågor i steget «%(t)s» heter «%(l)s». Ge dem olika "
                                "namn så att alla förstår vilken som är vilken."
                            )
                            % {"t": title, "l": label},
                            step_id,
                            qid,
                        )
                    )
                labels[key] = qid
            qtype = question.get("type")
            if qtype in EMAIL_TYPES:
                has_email = True
            if qtype in ("single_choice", "multiple_choice"):
                choices = question.get("choices") or []
                if not choices:
                    out.append(
                        Finding(
                            ERROR,
                            _("%(where)s har inga svarsalternativ.") % {"where": where},
                            step_id,
                            qid,
                        )
                    )
                elif any(not (c.get("label") or "").strip() for c in choices):
                    out.append(
                        Finding(
                            ERROR,
                            _("%(where)s har svarsalternativ utan text.") % {"where": where},
                            step_id,
                            qid,
                        )
                    )
                elif len(choices) == 1 and qtype == "single_choice":
                    out.append(
                        Finding(
                            WARNING,
                            _("%(where)s har bara ett svarsalternativ.") % {"where": where},
                            step_id,
                            qid,
                        )
                    )
            if qtype == "file" and not (question.get("validation") or {}).get("file_types"):
                out.append(
                    Finding(
                        ERROR,
                        _("%(where)s säger inte vilka filtyper som tas emot.") % {"where": where},
                        step_id,
                        qid,
                    )
                )
            if qtype == "booking" and not question.get("resource"):
                out.append(
                    Finding(
                        ERROR,
                        _("%(where)s säger inte vad som bokas.") % {"where": where},
                        step_id,
                        qid,
                    )
                )
            _readability(
                question.get("help_text", ""),
                _("Hjälptexten till «%(l)s»") % {"l": label},
                step_id,
                qid,
                out,
            )
            _readability(
                question.get("text", ""), _("Texten «%(l)s»") % {"l": label}, step_id, qid, out
            )
            seen[qid] = (question, shown)
    if form.get("confirmation_email", True) and steps and not has_email:
        out.append(
            Finding(
                WARNING,
                _(
                    "Bekräftelse per e-post är påslagen, men ingen fråga frågar efter en "
                    "e-postadress. Lägg till en fråga om e-post eller kontaktuppgifter, "
                    "eller slå av bekräftelsen."
                ),
            )
        )
    out.sort(key=lambda f: f.level != ERROR)
    return out


def _check_condition(
    condition: dict | None,
    seen: dict[str, tuple[dict, bool]],
    later: set[str],
    out: list,
    step_id: str,
    question_id: str,
    where: str,
) -> bool:
    """Report a condition that points wrong; return whether it can ever hold."""
    if not condition:
        return True
    target_id = condition.get("question", "")
    if target_id in later:
        out.append(
            Finding(
                ERROR,
                _(
                    "%(where)s har ett villkor på en fråga som kommer senare. Ett villkor kan "
                    "bara gälla frågor före."
                )
                % {"where": where},
                step_id,
                question_id,
            )
        )
        return False
    if target_id not in seen:
        out.append(
            Finding(
                ERROR,
                _("%(where)s har ett villkor på en fråga som inte finns längre.")
                % {"where": where},
                step_id,
                question_id,
            )
        )
        return False
    target, target_shown = seen[target_id]
    if target.get("type") in ANSWER_TYPES_WITHOUT_ANSWER:
        out.append(
            Finding(
                ERROR,
                _("%(where)s har ett villkor på en informationstext, som inte har något svar.")
                % {"where": where},
                step_id,
                question_id,
            )
        )
        return False
    allowed = None
    if target.get("choices"):
        allowed = {c["value"] for c in target["choices"]}
    elif target.get("type") == "yes_no":
        allowed = {"yes", "no"}
    wanted = condition.get("one_of") or [condition.get("equals", condition.get("not_equals"))]
    if allowed is not None and any(v is not None and str(v) not in allowed for v in wanted):
        out.append(
            Finding(
                ERROR,
                _(
                    "%(where)s har ett villkor på ett svarsalternativ som inte finns längre i "
                    "«%(t)s»."
                )
                % {"where": where, "t": _label(target)},
                step_id,
                question_id,
            )
        )
        return False
    # A hidden question has no answer: only "is not …" and "is not filled
    # in" can hold when it is never shown.
    needs_answer = "equals" in condition or "one_of" in condition or condition.get("checked")
    return target_shown or not needs_answer


def _lint_settings(eservice, form: dict, out: list) -> None:
    register_only = [
        q
        for step in form.get("steps", [])
        for q in step.get("questions", [])
        if q.get("type") in question_types and question_types[q["type"]].register_only
    ]
    if register_only and (eservice.offers_anonymity or eservice.login != Login.REQUIRED):
        # "Välj barn" needs the logged-in person's register record.
        out.append(
            Finding(
                ERROR,
                _(
                    "Frågan «%(t)s» hämtar uppgifter från folkbokföringen om den som är "
                    "inloggad. E-tjänsten måste kräva inloggning och kan inte vara anonym."
                )
                % {"t": _label(register_only[0])},
                on_settings=True,
            )
        )
    if eservice.login == Login.REQUIRED and eservice.offers_anonymity:
        out.append(
            Finding(
                WARNING,
                _(
                    "E-tjänsten kräver inloggning men erbjuder anonymitet. En anonym invånare "
                    "måste ändå logga in; kontrollera att det är meningen."
                ),
                on_settings=True,
            )
        )
    if eservice.requires_signing and eservice.login != Login.REQUIRED:
        out.append(
            Finding(
                ERROR, _("Underskrift kräver att e-tjänsten kräver inloggning."), on_settings=True
            )
        )
    if not eservice.retention_rule_id:
        out.append(
            Finding(
                ERROR,
                _("Välj en gallringsregel i inställningarna: hur länge ärendena sparas."),
                on_settings=True,
            )
        )
    if not (eservice.personal_data_text or (eservice.pd_purpose and eservice.pd_legal_basis)):
        out.append(
            Finding(
                ERROR,
                _(
                    "Skriv hur personuppgifterna behandlas i inställningarna: ändamål och "
                    "rättslig grund."
                ),
                on_settings=True,
            )
        )
    for text, where in (
        (eservice.intro_text, _("Texten «Om e-tjänsten»")),
        (eservice.short_description, _("Den korta beskrivningen")),
    ):
        found: list[Finding] = []
        _readability(text, where, "", "", found)
        out.extend(Finding(f.level, f.message, on_settings=True) for f in found)
