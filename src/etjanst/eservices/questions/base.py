"""The typed base of a question type. Each type parses its answer from a
POST, cleans and validates it, and says how to show it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict

if TYPE_CHECKING:  # the form schema uses the types; the types only name it
    from ..formschema import Question


class AnswerError(Exception):
    """A question's answer is invalid. `messages` maps a part of the question
    ("" for the whole, or e.g. "postal_code" for an address) to a message."""

    def __init__(self, message: str = "", *, parts: dict[str, str] | None = None) -> None:
        self.messages: dict[str, str] = dict(parts or {})
        if message:
            self.messages[""] = message
        super().__init__(self.messages)


class QuestionType:
    identifier: str = ""
    template_name: str = ""
    has_answer: bool = True
    # Sub-fields of composite questions: (part, label, autocomplete).
    parts: tuple[tuple[str, str, str], ...] = ()
    # A type whose answers come from a population register (prefill): the
    # register attribute it asks for without a `prefill` of its own, and
    # whether only the register's choices are taken.
    register_attribute: str = ""
    register_only: bool = False
    # The error for a value that is not among the register's choices.
    not_allowed_message: str = ""

    @staticmethod
    def field_name(question: Question, part: str = "") -> str:
        return f"q_{question.id}" + (f"__{part}" if part else "")

    def raw_value(
        self, question: Question, data: QueryDict, files: dict[str, list[UploadedFile]]
    ) -> Any:
        """What the resident sent, before validation (used for redisplay and
        for conditions on the same step)."""
        return data.get(self.field_name(question), "")

    def clean(self, question: Question, raw: Any, *, required: bool, existing: Any = None) -> Any:
        """The stored answer, or None when empty and allowed; AnswerError if invalid."""
        raise NotImplementedError

    def is_empty(self, value: Any) -> bool:
        return value in (None, "", [], {})

    def protects(self, value: Any) -> bool:
        """Whether the answer is about someone with protected identity (the
        case is then marked for staff)."""
        return False

    def display(self, question: Question, value: Any) -> str:
        """The answer as plain text for review pages, receipts and exports."""
        return "" if value is None else str(value)
