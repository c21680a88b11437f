"""The secrecy review of one case and its masked copy. The copy is drawn
from the data with every secret value replaced by a marker naming the
ground, so nothing secret is ever in the PDF (not even under a black box);
the case itself is never changed."""

from dataclasses import dataclass, field
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from etjanst.content.look import municipality
from etjanst.eservices.presentation import summarise
from etjanst.operations.pdf import html_to_pdf

from .constants import SECRECY_GROUNDS, is_secrecy_ground
from .models import SecrecyMarking


def marker(ground: str) -> str:
    return f"[Sekretess enligt {ground}]"


@dataclass
class ReviewItem:
    """One thing the registrar tries: an answer, a file or a message."""

    key: str  # the form field: q-<question id>, f-<file id>, m-<message id>
    kind: str  # field, file, message
    label: str
    text: str
    ground: str  # empty: released


@dataclass
class Review:
    """What is secret in one case, on which ground (empty dicts: nothing)."""

    fields: dict[str, str] = field(default_factory=dict)  # question id → ground
    files: dict[str, str] = field(default_factory=dict)  # attachment id → ground
    messages: dict[str, str] = field(default_factory=dict)  # message id → ground

    @classmethod
    def preset(cls, case) -> "Review":
        """What the register marks secret: answers, and the files of a file
        question marked secret."""
        markings = dict(
            SecrecyMarking.objects.filter(case=case).values_list("question_id", "ground")
        )
        form = case.version.definition
        review = cls()
        whole = markings.pop("", "")
        if whole:
            # The whole case is marked: start from everything masked; the
            # registrar releases what may be released.
            for item in review_items(case, cls()):
                kind, ident = item.kind, item.key.split("-", 1)[1]
                {"field": review.fields, "file": review.files, "message": review.messages}[kind][
                    ident
                ] = whole
        for qid, ground in markings.items():
            question = form.question(qid)
            if question is not None and question.type == "file":
                for value in case.answers.get(qid) or []:
                    if isinstance(value, dict) and "id" in value:
                        review.files[str(value["id"])] = ground
            else:
                review.fields[qid] = ground
        return review

    @classmethod
    def from_post(cls, case, data) -> tuple["Review", dict[str, str]]:
        review, errors = cls(), {}
        for item in review_items(case, cls()):
            ground = (data.get(item.key) or "").strip()
            if not ground:
                continue
            if not is_secrecy_ground(ground):
                errors[item.key] = _("Välj en sekretessgrund i listan.")
                continue
            target = {"field": review.fields, "file": review.files, "message": review.messages}
            target[item.kind][item.key.split("-", 1)[1]] = ground
        return review, errors

    def ground_for(self, kind: str, ident: str) -> str:
        return {"field": self.fields, "file": self.files, "message": self.messages}[kind].get(
            ident, ""
        )

    def summary(self, case) -> tuple[list, list, list]:
        """For the release log: masked parts, withheld files/messages, and
        the files released."""
        masked, withheld, released = [], [], []
        for item in review_items(case, self):
            if item.kind == "field" and item.ground:
                masked.append({"what": "field", "label": item.label, "ground": item.ground})
            elif item.kind == "message" and item.ground:
                masked.append({"what": "message", "label": item.label, "ground": item.ground})
            elif item.kind == "file" and item.ground:
                withheld.append({"what": "file", "label": item.label, "ground": item.ground})
            elif item.kind == "file":
                released.append({"id": item.key.split("-", 1)[1], "name": item.label})
        return masked, withheld, released


def review_items(case, review: Review) -> list[ReviewItem]:
    """Every answer, file and message of the case, in the order of the copy."""
    items = []
    for section in summarise(case.version.definition, case.answers):
        for row in section.rows:
            if row.question.type == "file":
                continue  # the files are tried one by one below
            qid = row.question.id
            items.append(
                ReviewItem(
                    f"q-{qid}", "field", row.question.label, row.text, review.fields.get(qid, "")
                )
            )
    for attachment in case.attachments.order_by("created_at", "pk"):
        ident = str(attachment.pk)
        items.append(
            ReviewItem(
                f"f-{ident}",
                "file",
                attachment.original_name,
                "",
                review.files.get(ident, ""),
            )
        )
    for number, message in enumerate(case.messages.order_by("created_at", "pk"), start=1):
        ident = str(message.pk)
        who = _("från kommunen") if message.from_staff else _("från avsändaren")
        items.append(
            ReviewItem(
                f"m-{ident}",
                "message",
                _("Meddelande %(n)s %(who)s") % {"n": number, "who": who},
                message.body,
                review.messages.get(ident, ""),
            )
        )
    return items


def grounds_in_use(review: Review) -> list[str]:
    known = [g for g, _label in SECRECY_GROUNDS]
    extra = {*review.fields.values(), *review.files.values(), *review.messages.values()}
    return known + sorted(extra - set(known))


def masked_sections(case, review: Review) -> list[dict]:
    """The answers as they may be released: secret values are markers."""
    files = {str(a.pk): a for a in case.attachments.all()}
    sections = []
    for section in summarise(case.version.definition, case.answers):
        rows = []
        for row in section.rows:
            qid = row.question.id
            if qid in review.fields:
                text = marker(review.fields[qid])
            elif row.question.type == "file":
                names = []
                for value in row.value or []:
                    ident = str(value.get("id", "")) if isinstance(value, dict) else ""
                    ground = review.files.get(ident)
                    attachment = files.get(ident)
                    names.append(
                        marker(ground) if ground or attachment is None else attachment.original_name
                    )
                text = ", ".join(names)
            else:
                text = row.text
            rows.append({"label": row.question.label, "text": text})
        sections.append({"title": section.step.title, "rows": rows})
    return sections


def masked_copy_html(case, review: Review, request) -> str:
    with translation.override("sv"):
        return render_to_string(
            "diarium/masked_copy_pdf.html",
            {
                "case": case,
                "request": request,
                "sections": masked_sections(case, review),
                "files": [
                    {
                        "label": i.label if not i.ground else marker(i.ground),
                        "released": not i.ground,
                    }
                    for i in review_items(case, review)
                    if i.kind == "file"
                ],
                "messages": [
                    {
                        "label": i.label,
                        "text": marker(i.ground) if i.ground else i.text,
                    }
                    for i in review_items(case, review)
                    if i.kind == "message"
                ],
                "made_at": timezone.now(),
                "municipality": municipality(),
            },
        )


def decision_html(release, request) -> str:
    texts = dict(SECRECY_GROUNDS)
    grounds = [
        (g, texts.get(g, ""))
        for g in sorted({p["ground"] for p in [*release.masked, *release.withheld]})
    ]
    with translation.override("sv"):
        return render_to_string(
            "diarium/decision_pdf.html",
            {
                "release": release,
                "request": request,
                "grounds": grounds,
                "municipality": municipality(),
            },
        )


PDF_STYLESHEET = Path(__file__).parent / "pdf" / "documents.css"


def _pdf(html: str) -> bytes:
    return html_to_pdf(html, stylesheet=str(PDF_STYLESHEET))


def render_masked_pdf(case, review: Review, request) -> bytes:
    return _pdf(masked_copy_html(case, review, request))


def render_decision_pdf(release, request) -> bytes:
    return _pdf(decision_html(release, request))
