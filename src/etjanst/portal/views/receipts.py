import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etjanst.cases.downloads import attachment_response, receipt_pdf_response
from etjanst.cases.models import Case
from etjanst.eservices.presentation import confirmation_email, summarise
from etjanst.statistics import survey
from etjanst.statistics.actions import SurveyInvalid, answer_survey
from etjanst.submissions.session import ANONYMOUS_RECEIPTS_COOKIE, receipt_case_ids

SURVEY_CHOICES = [
    ("1", gettext_lazy("1 – Dåligt")),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", gettext_lazy("5 – Mycket bra")),
]


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


def receipt(request, slug: str, token: str, survey_error: str = "", status: int = 200):
    case = _case(request, slug, token)
    response = render(
        request,
        "portal/receipt.html",
        {
            "case": case,
            "eservice": case.eservice,
            "sections": summarise(case.version.definition, case.answers),
            "confirmation_email": confirmation_email(case.version.definition, case.answers),
            "survey": survey.is_asked(case.eservice)
            and not survey.has_answered(request.session, token),
            "survey_error": survey_error,
            "survey_choices": SURVEY_CHOICES,
            "survey_posted": request.POST if survey_error else {},
        },
        status=status,
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


def answer(request, slug: str, token: str):
    """The satisfaction survey on the receipt: a rating 1–5 and a comment,
    kept without the case; once per receipt."""
    if request.method != "POST":
        return redirect("portal:receipt", slug=slug, token=token)
    case = _case(request, slug, token)
    if not survey.is_asked(case.eservice) or survey.has_answered(request.session, token):
        return redirect("portal:receipt", slug=slug, token=token)
    try:
        answer_survey(
            eservice=case.eservice,
            version=case.version.number,
            rating=request.POST.get("rating", ""),
            comment=request.POST.get("comment", ""),
        )
    except SurveyInvalid as exc:
        return receipt(request, slug, token, survey_error=exc.message, status=400)
    survey.mark_answered(request.session, token)
    messages.success(request, _("Tack för att du svarade!"))
    return redirect("portal:receipt", slug=slug, token=token)
