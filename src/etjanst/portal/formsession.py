"""A form being filled in by a resident who is not logged in: its version,
answers and upload owner live in the browser session. (Saved drafts of
logged-in residents get their own model with Mina sidor.)"""

import secrets
import uuid
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from etjanst.eservices.conditions import visible_answers, visible_steps
from etjanst.eservices.engine import answers_from_login
from etjanst.eservices.formschema import Step
from etjanst.eservices.models import EService, EServiceVersion
from etjanst.prefill.service import prefill_answers

FORMS_KEY = "etjanst_forms"
RECEIPTS_KEY = "etjanst_receipts"
MAX_RECEIPTS = 20


class FormSession:
    def __init__(self, session: SessionBase, eservice: EService) -> None:
        self.session = session
        self.eservice = eservice
        self.state: dict[str, Any] | None = session.get(FORMS_KEY, {}).get(eservice.slug)
        self._version: EServiceVersion | None = None

    @classmethod
    def start(
        cls, session: SessionBase, eservice: EService, version: EServiceVersion, *, person=None
    ) -> "FormSession":
        form = cls(session, eservice)
        answers = {}
        if person is not None:
            answers = answers_from_login(
                version.definition, personnummer=person.personnummer, name=person.name
            )
            answers.update(prefill_answers(version.definition, person=person, session=session))
        form.state = {
            "version": version.pk,
            "answers": answers,
            "completed": [],
            "upload_owner": secrets.token_urlsafe(24),
            "submission_key": None,
        }
        form._save()
        return form

    @property
    def exists(self) -> bool:
        return self.state is not None

    @property
    def version(self) -> EServiceVersion | None:
        if self._version is None and self.state:
            # The form JSON is only loaded when the parsed form is not cached.
            self._version = (
                EServiceVersion.objects.defer("form")
                .filter(pk=self.state["version"], eservice=self.eservice)
                .first()
            )
            if self._version is not None:
                self._version.eservice = self.eservice
        return self._version

    @property
    def answers(self) -> dict[str, Any]:
        return self.state["answers"] if self.state else {}

    @property
    def upload_owner(self) -> str:
        return self.state["upload_owner"] if self.state else ""

    def steps(self) -> list[Step]:
        return visible_steps(
            self.version.definition, visible_answers(self.version.definition, self.answers)
        )

    def first_incomplete(self) -> int | None:
        """1-based number of the first visible step not yet completed."""
        completed = set(self.state["completed"])
        for number, step in enumerate(self.steps(), start=1):
            if step.id not in completed:
                return number
        return None

    def may_open(self, number: int) -> bool:
        incomplete = self.first_incomplete()
        return 1 <= number <= len(self.steps()) and (incomplete is None or number <= incomplete)

    def save_step(self, step: Step, answers: dict[str, Any]) -> None:
        stored = {
            k: v
            for k, v in self.state["answers"].items()
            if k not in {q.id for q in step.questions}
        }
        stored.update(answers)
        self.state["answers"] = stored
        if step.id not in self.state["completed"]:
            self.state["completed"].append(step.id)
        # The answers changed: a new review, with a new key (made here, where
        # the session is written anyway, so showing the review writes nothing).
        self.state["submission_key"] = str(uuid.uuid4())
        self._save()

    def submission_key(self) -> str:
        if not self.state.get("submission_key"):
            self.state["submission_key"] = str(uuid.uuid4())
            self._save()
        return self.state["submission_key"]

    def finish(self, case_id: int) -> None:
        remember_receipt(self.session, case_id, self.state.get("submission_key"))
        self.clear()

    def clear(self) -> None:
        forms = self.session.get(FORMS_KEY, {})
        forms.pop(self.eservice.slug, None)
        self.session[FORMS_KEY] = forms
        self.state = None

    def _save(self) -> None:
        forms = self.session.get(FORMS_KEY, {})
        forms[self.eservice.slug] = self.state
        self.session[FORMS_KEY] = forms


def remember_receipt(session: SessionBase, case_id: int, key: str | None) -> None:
    receipts = session.get(RECEIPTS_KEY, [])
    receipts = [r for r in receipts if r["case"] != case_id][-(MAX_RECEIPTS - 1) :]
    receipts.append({"case": case_id, "key": key})
    session[RECEIPTS_KEY] = receipts


def receipt_case_ids(session: SessionBase) -> list[int]:
    return [r["case"] for r in session.get(RECEIPTS_KEY, [])]


def case_for_submission_key(session: SessionBase, key: str) -> int | None:
    for receipt in session.get(RECEIPTS_KEY, []):
        if receipt["key"] == key:
            return receipt["case"]
    return None
