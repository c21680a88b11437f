"""Which answers came from a population register (see etjanst.prefill).

Answers in progress carry this under PREFILL_KEY, a key no question id can
have (ids start with a letter), so it travels with the answers wherever
they are kept and is never part of a case (only question ids are kept)."""

from dataclasses import dataclass, field
from typing import Any

from .formschema import Question, Step

PREFILL_KEY = "_prefill"
# The register could not be asked: the resident fills in everything.
NOTICE_UNAVAILABLE = "unavailable"
# The login gave no Swedish personnummer (a foreign e-ID): the registers
# cannot be asked, so the resident fills in everything.
NOTICE_NO_PERSONNUMMER = "no_personnummer"


@dataclass
class PrefillMarks:
    # question id -> the register's value, as a POST would carry it. For a
    # composite question only the parts the register gave are locked.
    locked: dict[str, Any] = field(default_factory=dict)
    # question id -> [[value, label], ...]: the answer must be one of them.
    choices: dict[str, list[list[str]]] = field(default_factory=dict)
    # Questions not asked because the person has protected identity.
    withheld: list[str] = field(default_factory=list)
    # question id -> {chosen value: the answer kept}: a choice the register
    # gave stands for a whole record (the "Välj barn" question keeps the
    # child's name and address, not only the personnummer).
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    # question id -> what the question type shows beside its choices (e.g.
    # the children that cannot be chosen here, and why).
    details: dict[str, Any] = field(default_factory=dict)
    protected: bool = False
    notice: str = ""

    @classmethod
    def of(cls, answers: dict[str, Any]) -> "PrefillMarks":
        data = answers.get(PREFILL_KEY) if isinstance(answers, dict) else None
        if not isinstance(data, dict):
            return cls()
        return cls(
            locked=dict(data.get("locked") or {}),
            choices=dict(data.get("choices") or {}),
            withheld=list(data.get("withheld") or []),
            records=dict(data.get("records") or {}),
            details=dict(data.get("details") or {}),
            protected=bool(data.get("protected")),
            notice=str(data.get("notice") or ""),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "locked": self.locked,
            "choices": self.choices,
            "withheld": self.withheld,
            "records": self.records,
            "details": self.details,
            "protected": self.protected,
            "notice": self.notice,
        }

    def __bool__(self) -> bool:
        return bool(
            self.locked
            or self.choices
            or self.withheld
            or self.records
            or self.details
            or self.protected
            or self.notice
        )

    def enforce(self, question: Question, raw: Any) -> Any:
        """What was sent, with the locked values put back: a POST cannot
        change them."""
        if question.id not in self.locked:
            return raw
        value = self.locked[question.id]
        if isinstance(value, dict):
            return {**(raw if isinstance(raw, dict) else {}), **value}
        return value

    def allowed(self, question: Question) -> set[str] | None:
        if question.id not in self.choices:
            # A type that only takes the register's choices takes nothing
            # without them (the register was down, or not asked).
            return set() if question.type_plugin.register_only else None
        return {value for value, _label in self.choices[question.id]}

    def resolve(self, question: Question, value: Any) -> Any:
        """The answer to keep for a chosen value: the register's record when
        it gave one."""
        records = self.records.get(question.id) or {}
        return records.get(value, value) if isinstance(value, str) else value

    def for_step(self, step: Step) -> "PrefillMarks":
        """The marks as a step page shows them: the notice only on steps with
        questions the register would have filled in."""
        if any(q.prefill for q in step.questions):
            return self
        return PrefillMarks(
            locked=self.locked,
            choices=self.choices,
            withheld=self.withheld,
            records=self.records,
            details=self.details,
            protected=self.protected,
        )
