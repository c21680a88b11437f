"""Question types, registered by id (the `type` in the form JSON)."""

from ...plugins.registry import Registry
from .base import AnswerError, QuestionType

question_types: Registry[QuestionType] = Registry()

from . import types  # noqa: E402, F401  (registers the built-in types; apps add theirs)

__all__ = ["AnswerError", "QuestionType", "question_types"]
