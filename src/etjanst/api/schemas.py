"""What the API sends and takes (the OpenAPI schema is made from these)."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


class StatusOut(Schema):
    code: str
    name: str = Field(description="Statusens namn för handläggare")
    resident_name: str = Field(description="Statusens namn för invånaren")
    kind: str = Field(description="submitted, in_progress, waiting eller closed")


class EServiceOut(Schema):
    slug: str
    name: str


class CommitteeOut(Schema):
    name: str
    prefix: str


class CaseSummaryOut(Schema):
    id: int
    registration_number: str
    eservice: str = Field(description="E-tjänstens kortnamn (slug)")
    received_at: datetime
    status: StatusOut
    status_changed_at: datetime
    purged: bool
    url: str


class CasePageOut(Schema):
    items: list[CaseSummaryOut]
    next_cursor: str | None = Field(
        description="Skicka som `cursor` för nästa sida. Null: inga fler just nu."
    )


class HistoryOut(Schema):
    status: StatusOut
    at: datetime


class AnswerOut(Schema):
    question_id: str
    label: str
    type: str
    step: str
    value: Any = None
    text: str = Field(description="Svaret som text, med valda alternativs texter")


class AttachmentOut(Schema):
    id: UUID
    name: str
    content_type: str
    size: int
    sha256: str | None = Field(description="Null om filen saknas i lagringen")
    question_id: str | None
    message_id: int | None
    url: str


class ApplicantOut(Schema):
    name: str
    personnummer: str | None
    logged_in: bool


class MessageOut(Schema):
    id: int
    from_staff: bool
    created_at: datetime
    body: str
    attachment_ids: list[UUID]


class DeliveryOut(Schema):
    system: str
    external_id: str
    confirmed_at: datetime
    method: Literal["api", "webhook"] = Field(
        "api",
        description="api: bekräftad via API:et; webhook: en 2xx på webhooken räknades "
        "(external_id är då webhook-id:t tills systemet bekräftar med sitt eget id)",
    )


class VersionOut(Schema):
    number: int
    form: dict[str, Any] = Field(description="Formulärets JSON för den version ärendet fylldes i")


class CaseOut(Schema):
    id: int
    registration_number: str
    description: str
    eservice: EServiceOut
    version: VersionOut
    committee: CommitteeOut
    received_at: datetime
    status: StatusOut
    status_changed_at: datetime
    status_history: list[HistoryOut]
    lock_version: int = Field(description="Skicka som expected_version för att upptäcka krockar")
    assigned_to: str | None = Field(description="Handläggarens användarnamn")
    anonymous: bool
    protected_identity: bool = Field(
        description="Skyddade personuppgifter: ingen adress finns i ärendet. Lämna inte ut "
        "uppgifter om personen."
    )
    applicant: ApplicantOut | None = Field(description="Null för anonyma ärenden")
    answers: list[AnswerOut]
    attachments: list[AttachmentOut]
    messages: list[MessageOut]
    signature: dict[str, Any] | None
    legal_hold: bool
    purged_at: datetime | None
    deliveries: list[DeliveryOut]
    receipt_url: str


class EventOut(Schema):
    id: int
    type: str = Field(
        description="case.submitted, case.status_changed, case.message_received, "
        "case.message_sent eller case.purged"
    )
    at: datetime
    case_id: int
    registration_number: str
    status: str | None = Field(
        description="Statusens kod, vid case.submitted och case.status_changed"
    )
    case_url: str


class EventPageOut(Schema):
    items: list[EventOut]
    next_cursor: str | None


class StatusIn(Schema):
    status: str = Field(description="Koden för den nya statusen", max_length=50)
    expected_version: int | None = Field(
        None, description="Ärendets lock_version när ni läste det: 409 om det ändrats sedan"
    )


class StatusChangedOut(Schema):
    status: StatusOut
    status_changed_at: datetime
    lock_version: int


class NoteIn(Schema):
    body: str = Field(max_length=100_000)


class NoteOut(Schema):
    id: int
    created_at: datetime


class AssigneeIn(Schema):
    username: str | None = Field(
        description="Handläggarens användarnamn; null: ingen", max_length=150
    )
    expected_version: int | None = None


class AssigneeOut(Schema):
    username: str | None
    lock_version: int


class DeliveryIn(Schema):
    external_id: str = Field(
        description="Ärendets id eller diarienummer i ert system", min_length=1, max_length=200
    )


class MessageCreatedOut(Schema):
    id: int
    created_at: datetime
    attachment_ids: list[UUID]


class ReportRowOut(Schema):
    case_id: int
    registration_number: str
    eservice: str
    received_at: datetime
    sent_at: datetime | None = Field(
        description="När webhooken om ärendet besvarades med 2xx (null: inte skickat)"
    )
    state: Literal["confirmed", "sent", "pending", "failed", "outstanding"] = Field(
        description="confirmed: ni har bekräftat; sent: webhooken levererad men inte bekräftad; "
        "pending: webhooken skickas eller försöks igen; failed: webhooken misslyckades; "
        "outstanding: inget skickat och inte bekräftat (ni hämtar själva)"
    )
    confirmed_at: datetime | None
    external_id: str = Field(description="Ert id från bekräftelsen (tomt: inte bekräftat)")


class ReportOut(Schema):
    system: str
    since: datetime
    until: datetime
    items: list[ReportRowOut]
