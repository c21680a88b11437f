"""The PDF receipt of a case (WeasyPrint), with every answer."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from etjanst.content.look import municipality
from etjanst.eservices.presentation import summarise
from etjanst.operations.pdf import html_to_pdf

from .models import Case


def receipt_html(case: Case) -> str:
    """The receipt as the HTML document the PDF is drawn from."""
    with translation.override("sv"):
        return render_to_string(
            "cases/receipt_pdf.html",
            {
                "case": case,
                "eservice": case.eservice,
                "sections": summarise(case.version.definition, case.answers),
                "attachments": list(case.attachments.all()),
                "municipality": municipality(),
            },
        )


def render_receipt_pdf(case: Case) -> bytes:
    return html_to_pdf(receipt_html(case))


def ensure_receipt_pdf(case: Case) -> Case:
    """Make and store the receipt once; later calls reuse it."""
    if case.receipt_pdf:
        return case
    pdf = render_receipt_pdf(case)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.receipt_pdf:
            locked.receipt_pdf.save("receipt.pdf", ContentFile(pdf), save=False)
            locked.save(update_fields=["receipt_pdf"])
    return locked
