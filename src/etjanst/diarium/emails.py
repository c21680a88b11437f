"""The e-mail that answers a request for public documents."""

from etjanst.cases.models import Attachment
from etjanst.notifications.emails import send


def send_release(release, recipient: str) -> None:
    """Only the masked copy, the files released and, when something was
    withheld, the decision."""
    files = [("kopia-maskerad.pdf", release.masked_pdf.read(), "application/pdf")]
    if release.decision_pdf:
        files.append(("beslut.pdf", release.decision_pdf.read(), "application/pdf"))
    released = {f["id"] for f in release.released_files}
    for attachment in Attachment.objects.filter(case_id=release.case_id, pk__in=released):
        with attachment.file.open("rb") as handle:
            files.append((attachment.original_name, handle.read(), attachment.content_type))
    send("release", recipient, {"release": release}, attachments=files)
