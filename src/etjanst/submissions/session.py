"""The form in progress: its version, answers and upload owner live in the
browser session. A logged-in resident can save it as a Draft (Spara) and
resume it later; the session then remembers which draft it continues.

The actions in `actions.py` change it; the faces only read it."""

import secrets
import time
import uuid
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core import signing

from etjanst.cases.models import Attachment
from etjanst.eservices.conditions import ANONYMOUS_KEY, visible_answers, visible_steps
from etjanst.eservices.engine import answers_from_login
from etjanst.eservices.formschema import Step
from etjanst.eservices.models import EService, EServiceVersion
from etjanst.prefill.service import prefill_answers

FORMS_KEY = "etjanst_forms"
RECEIPTS_KEY = "etjanst_receipts"
MAX_RECEIPTS = 20


class FormSession:
    def __init__(self, session: SessionBase, eservice: EService, *, key: str = "") -> None:
        """`key`: where in the session the form lives (default: the
        e-service's slug; a test run's form has its own, `testmode.form_key`)."""
        self.session = session
        self.eservice = eservice
        self.key = key or eservice.slug
        self.state: dict[str, Any] | None = session.get(FORMS_KEY, {}).get(self.key)
        self._version: EServiceVersion | None = None

    @classmethod
    def start(
        cls,
        session: SessionBase,
        eservice: EService,
        version: EServiceVersion,
        *,
        person=None,
        anonymous: bool = False,
        key: str = "",
        test_run=None,
    ) -> "FormSession":
        """A new form. Anonymous: nothing from the login is filled in, and
        questions about the person are not asked. A test run's form is
        marked as one (`is_test`): it is never registered."""
        form = cls(session, eservice, key=key)
        answers = {}
        if anonymous:
            answers = {ANONYMOUS_KEY: True}
        elif person is not None:
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
            "started_at": time.time(),  # for the statistics' fill-in time
        }
        if test_run is not None:
            form.state["test_run"] = str(test_run.pk)
        form._save()
        return form

    @classmethod
    def resume(cls, session: SessionBase, draft) -> "FormSession":
        """Continue a saved draft (on the version it was started on)."""
        form = cls(session, draft.eservice)
        answers = dict(draft.answers)
        # A file removed after the draft was last saved is gone: drop it.
        present = {
            str(pk) for pk in Attachment.objects.filter(draft=draft).values_list("pk", flat=True)
        }
        for question in draft.version.definition.questions():
            if question.type == "file" and question.id in answers:
                kept = [f for f in answers[question.id] if f.get("id") in present]
                if kept:
                    answers[question.id] = kept
                else:
                    answers.pop(question.id)
        form.state = {
            "version": draft.version_id,
            "answers": answers,
            "completed": list(draft.completed_steps),
            "upload_owner": draft.upload_owner,
            "submission_key": None,
            "draft": str(draft.pk),
            "started_at": time.time(),  # this sitting, for the statistics' fill-in time
        }
        form._save()
        return form

    @property
    def anonymous(self) -> bool:
        return bool(self.state and self.state["answers"].get(ANONYMOUS_KEY))

    @property
    def test_run_id(self) -> str | None:
        """The builder's test run this form belongs to (None: a real form)."""
        return self.state.get("test_run") if self.state else None

    @property
    def is_test(self) -> bool:
        return self.test_run_id is not None

    @property
    def draft_id(self) -> str | None:
        return self.state.get("draft") if self.state else None

    def remember_draft(self, draft_id) -> None:
        self.state["draft"] = str(draft_id)
        self._save()

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

    def save_partial(self, step: Step, valid: dict[str, Any], invalid: set[str]) -> None:
        """Keep what is valid of a step being saved half-way (Spara). Invalid
        answers change nothing; files are only kept by a valid step."""
        stored = self.state["answers"]
        for question in step.questions:
            if question.type == "file" or question.id in invalid:
                continue
            if question.id in valid:
                stored[question.id] = valid[question.id]
            else:
                stored.pop(question.id, None)
        if step.id in self.state["completed"]:
            self.state["completed"].remove(step.id)
        self.state["submission_key"] = str(uuid.uuid4())
        self._save()

    def submission_key(self) -> str:
        if not self.state.get("submission_key"):
            self.state["submission_key"] = str(uuid.uuid4())
            self._save()
        return self.state["submission_key"]

    def finish(self, case_id: int) -> None:
        """The form was sent. A named sender's session remembers the receipt;
        an anonymous sender's does not (the face gives the browser a token
        that names no person instead: `anonymous_receipt_token`)."""
        if not self.anonymous:
            remember_receipt(self.session, case_id, self.state.get("submission_key"))
        self.clear()

    def clear(self) -> None:
        forms = self.session.get(FORMS_KEY, {})
        forms.pop(self.key, None)
        self.session[FORMS_KEY] = forms
        self.state = None

    def _save(self) -> None:
        forms = self.session.get(FORMS_KEY, {})
        forms[self.key] = self.state
        self.session[FORMS_KEY] = forms


def remember_receipt(session: SessionBase, case_id: int, key: str | None) -> None:
    receipts = session.get(RECEIPTS_KEY, [])
    receipts = [r for r in receipts if r["case"] != case_id][-(MAX_RECEIPTS - 1) :]
    receipts.append({"case": case_id, "key": key})
    session[RECEIPTS_KEY] = receipts


def receipt_case_ids(session: SessionBase, anonymous_token: str | None = None) -> list[int]:
    """The cases this browser sent lately: its session's, and the anonymous
    ones its receipt token names."""
    receipts = session.get(RECEIPTS_KEY, []) + anonymous_receipts(anonymous_token)
    return [r["case"] for r in receipts]


def case_for_submission_key(
    session: SessionBase, key: str, anonymous_token: str | None = None
) -> int | None:
    for receipt in session.get(RECEIPTS_KEY, []) + anonymous_receipts(anonymous_token):
        if receipt["key"] == key:
            return receipt["case"]
    return None


# An anonymous case's receipt is reached with a signed token kept only by the
# browser (a cookie), never with the session of whoever was logged in: no
# stored row links the person to the case, at any time.
ANONYMOUS_RECEIPTS_COOKIE = "etjanst_anonyma_kvitton"
ANONYMOUS_RECEIPTS_MAX_AGE = 8 * 60 * 60
_SALT = "etjanst.submissions.anonymous-receipts"


def anonymous_receipts(token: str | None) -> list[dict]:
    if not token:
        return []
    try:
        receipts = signing.loads(token, salt=_SALT, max_age=ANONYMOUS_RECEIPTS_MAX_AGE)
    except signing.BadSignature:
        return []
    return [r for r in receipts if isinstance(r, dict) and {"case", "key"} <= r.keys()]


def anonymous_receipt_token(token: str | None, *, case_id: int, key: str) -> str:
    """The browser's token with this anonymous case added (the last few kept)."""
    receipts = [r for r in anonymous_receipts(token) if r["case"] != case_id]
    receipts = [*receipts[-(MAX_RECEIPTS - 1) :], {"case": case_id, "key": key}]
    return signing.dumps(receipts, salt=_SALT, compress=True)
