"""Mina sidor, Att signera: cases about a child that wait for this person's
signature as the other guardian. A request is reached only through
`GuardianSignature.objects.for_person(<the logged-in personnummer>)`: a link
in someone else's hands is a 404, whatever the URL."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from etjanst.eid import bankid_login
from etjanst.eid.contrib.bankid.client import BankIDError
from etjanst.eid.contrib.bankid.messages import message_for
from etjanst.eservices.presentation import summarise
from etjanst.guardians import actions
from etjanst.guardians.models import GuardianSignature
from etjanst.people.actions import resident_for

from .mypages import person_required


def _mine(request):
    return GuardianSignature.objects.for_person(request.person.personnummer or "").select_related(
        "case__eservice", "case__version", "case__committee"
    )


@person_required
def to_sign(request):
    requests = _mine(request).order_by("-created_at")
    if requests:  # a party to these cases: they show under Mina ärenden too
        resident_for(person=request.person)
    return render(
        request,
        "portal/guardians/to_sign.html",
        {"waiting": [r for r in requests if r.state == "waiting"], "answered": requests},
    )


@person_required
def sign_page(request, signature_id: int):
    signature = get_object_or_404(_mine(request), pk=signature_id)
    resident_for(person=request.person)  # a party: the case shows under Mina ärenden
    case = signature.case
    message, errors = "", {}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reject":
            message = request.POST.get("message", "")
            try:
                actions.reject(signature_id=signature.pk, person=request.person, message=message)
            except actions.SigningRefused as exc:
                errors["message"] = exc.message
            else:
                messages.success(
                    request,
                    _(
                        "Du har sagt nej till att skriva under. Ärendet har gått vidare till "
                        "kommunen."
                    ),
                )
                return redirect("portal:to_sign")
        elif action == "sign":
            return _start_signing(request, signature)
    return render(
        request,
        "portal/guardians/sign.html",
        {
            "signature": signature,
            "case": case,
            "eservice": case.eservice,
            "sections": summarise(case.version.definition, case.answers),
            "others": case.guardian_signatures.exclude(pk=signature.pk),
            "message": message,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _start_signing(request, signature):
    page = reverse("portal:guardian_sign", args=[signature.pk])
    sign = actions.signing_text(signature)
    sign["context"]["retry"] = page
    try:
        bankid_login.start_order(
            request,
            same_device=request.POST.get("device") == "this",
            next_url=reverse("portal:guardian_signed", args=[signature.pk]),
            sign=sign,
        )
    except bankid_login.TooManyStarts:
        messages.error(
            request, _("Du har försökt många gånger på kort tid. Vänta en minut och försök igen.")
        )
        return redirect(page)
    except BankIDError as exc:
        messages.error(request, message_for(error_code=exc.error_code, same_device=False)[1])
        return redirect(page)
    return redirect("portal:bankid_wait")


@person_required
def signed(request, signature_id: int):
    """BankID says the signature is complete: record it."""
    signature = get_object_or_404(_mine(request), pk=signature_id)
    made = bankid_login.take_signature(request, submission_key=actions.submission_key(signature))
    if made is None:
        messages.warning(request, _("Ärendet behöver skrivas under med BankID."))
        return redirect("portal:guardian_sign", signature.pk)
    try:
        actions.sign(signature_id=signature.pk, person=request.person, signed=made)
    except actions.SigningRefused as exc:
        messages.error(request, exc.message)
        return redirect("portal:guardian_sign", signature.pk)
    resident_for(person=request.person)  # so the case shows under Mina ärenden
    messages.success(request, _("Du har skrivit under ärendet. Det har gått vidare till kommunen."))
    return redirect("portal:my_case", signature.case_id)
