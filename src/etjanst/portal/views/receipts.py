import uuid

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from etjanst.cases.downloads import attachment_response, receipt_pdf_response
from etjanst.cases.models import Case
from etjanst.eservices.presentation import confirmation_email, summarise
from etjanst.submissions.session import ANONYMOUS_RECEIPTS_COOKIE, receipt_case_ids


def _case(request, slug: str, token: str) -> Case:
    """The case behind the receipt, only for the browser session that sent it."""
    return get_object_or_404(
        Case.objects.with_receipt_token(
            token,
            allowed_ids=receipt_case_ids(
                request.session, request.COOKIES.get(ANONYMOUS_RECEIPTS_COOKIE)
            ),
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
    return receipt_pdf_response(_case(request, slug, token))


def case_attachment(request, slug: str, token: str, attachment_id: uuid.UUID):
    case = _case(request, slug, token)
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment_response(attachment)
