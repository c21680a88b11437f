"""File responses for a case's files and receipt, shared by the resident's
and the staff pages (each face checks who may have the file first)."""

from django.http import FileResponse

from .models import Attachment, Case
from .receipts import ensure_receipt_pdf


def attachment_response(attachment: Attachment) -> FileResponse:
    """Always a download, never rendered by the browser."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def receipt_pdf_response(case: Case) -> FileResponse:
    """The case's receipt as a PDF download (made now if the worker has not yet)."""
    case = ensure_receipt_pdf(case)
    filename = f"kvitto-{case.registration_number.replace(' ', '-').replace('/', '-')}.pdf"
    response = FileResponse(
        case.receipt_pdf.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
