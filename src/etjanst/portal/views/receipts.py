import uuid

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from etjanst.cases.models import Case
from etjanst.cases.receipts import ensure_receipt_pdf
from etjanst.eservices.presentation import confirmation_email, summarise

from ..formsession import receipt_case_ids
from .filling import attachment_response


def _case(request, slug: str, token: str) -> Case:
    """The case behind the receipt, only for the browser session that sent it."""
    return get_object_or_404(
        Case.objects.with_receipt_token(
            token, allowed_ids=receipt_case_ids(request.session)
        ).select_related("eservice", "version"),
        eservice__slug=slug,
    )


def receipt(request, slug: str, token: str):
    case = _case(request, slug, token)
    response = render(
        request,
        "portal/receipt.html",
        {
            "case": case,
            "eservice": case.eservice,
            "sections": summarise(case.version.definition, case.answers),
            "confirmation_email": confirmation_email(case.version.definition, case.answers),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


def receipt_pdf(request, slug: str, token: str):
    return pdf_response(_case(request, slug, token))


def pdf_response(case: Case) -> FileResponse:
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


def case_attachment(request, slug: str, token: str, attachment_id: uuid.UUID):
    case = _case(request, slug, token)
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment_response(attachment)
