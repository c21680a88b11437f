"""Filling in an e-service step by step, reviewing and submitting. Thin:
parse the request, ask `submissions` (the gate, the form in progress, the
pipeline), render or redirect."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from etjanst.bookings.actions import BookingError
from etjanst.cases.downloads import attachment_response
from etjanst.cases.models import Attachment, Case
from etjanst.config.throttle import Limit, by_view_kwarg, throttle
from etjanst.content.closures import refuse_when_closed
from etjanst.eid import bankid_login
from etjanst.eid.contrib.bankid.client import BankIDError
from etjanst.eid.contrib.bankid.messages import message_for
from etjanst.eservices.conditions import ANONYMOUS_KEY, is_personal
from etjanst.eservices.engine import visible_questions
from etjanst.eservices.models import EService
from etjanst.eservices.prefilled import PrefillMarks
from etjanst.eservices.presentation import summarise
from etjanst.submissions import actions, testmode
from etjanst.submissions.gate import AnonymityNotChosen, Refused, anonymity_choice, refusal
from etjanst.submissions.session import (
    ANONYMOUS_RECEIPTS_COOKIE,
    ANONYMOUS_RECEIPTS_MAX_AGE,
    FormSession,
    anonymous_receipt_token,
    case_for_submission_key,
)

from .testmode import form_session, test_run_aware


def _eservice(request: HttpRequest, slug: str) -> EService:
    if getattr(request, "test_run", None) is not None:  # the builder's test run (testmode)
        return request.test_run.eservice
    return get_object_or_404(EService.objects.published().select_related("committee"), slug=slug)


def _refused(request: HttpRequest, eservice: EService, next_url: str):
    """A redirect when the gate refuses: to /logga-in/ when the e-service
    requires a login (or a stronger one), or back to its intro when it needs
    a personnummer that the resident's e-ID did not give."""
    refused = refusal(eservice=eservice, person=request.person)
    if refused is None:
        return None
    if getattr(request, "test_run", None) is not None:  # never a real login in a test run
        messages.warning(request, _("Starta testet igen och välj en testperson som passar."))
        return redirect("staff:builder_test", request.test_run.eservice_id)
    if refused.reason is Refused.PERSONNUMMER:
        messages.warning(request, refused.message)
        return redirect("portal:intro", slug=eservice.slug)
    query = {"next": next_url}
    if refused.reason is Refused.ASSURANCE:
        messages.warning(request, refused.message)
        query["igen"] = 1
    else:
        messages.info(request, refused.message)
    return redirect(f"{reverse('portal:login')}?{urlencode(query)}")


def _form_or_restart(request: HttpRequest, eservice: EService) -> FormSession | None:
    form = form_session(request, eservice)
    if not form.exists or form.version is None:
        return None
    return form


def _start_first(request, slug: str):
    messages.info(request, _("Börja med att läsa om e-tjänsten och tryck sedan på Starta."))
    return redirect("portal:intro", slug=slug)


@refuse_when_closed
@test_run_aware
def start(request, slug: str):
    eservice = _eservice(request, slug)
    if request.method != "POST":  # e.g. a bookmarked or reloaded address
        return redirect("portal:intro", slug=slug)
    if refused := _refused(request, eservice, reverse("portal:intro", args=[slug])):
        return refused
    form = form_session(request, eservice)
    if form.exists and request.POST.get("action") != "restart":
        return redirect("portal:step", slug=slug, number=form.first_incomplete() or 1)
    try:
        anonymous = anonymity_choice(eservice=eservice, posted=request.POST.get("anonymous"))
    except AnonymityNotChosen as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('portal:intro', args=[slug])}#anonymitet")
    if request.test_run is not None:
        testmode.start_test_form(session=request.session, run=request.test_run, anonymous=anonymous)
    else:
        actions.start_form(
            session=request.session, eservice=eservice, person=request.person, anonymous=anonymous
        )
    return redirect("portal:step", slug=slug, number=1)


@refuse_when_closed
@test_run_aware
def step(request, slug: str, number: int):
    eservice = _eservice(request, slug)
    if refused := _refused(request, eservice, request.path):
        return refused
    form = _form_or_restart(request, eservice)
    if form is None:
        return _start_first(request, slug)
    if not form.may_open(number):
        messages.warning(request, _("Fyll i stegen i tur och ordning."))
        return redirect("portal:step", slug=slug, number=form.first_incomplete() or 1)
    steps = form.steps()
    current = steps[number - 1]
    raw, errors, notice = {}, {}, ""
    visible = visible_questions(current, form.answers)
    if request.method == "POST":
        action = request.POST.get("action", "next")
        files = {key: request.FILES.getlist(key) for key in request.FILES}
        if action == "save":
            return _save_draft(request, form, current, number, files)
        result = actions.record_step(form=form, step=current, data=request.POST, files=files)
        if action == "back":  # going back never needs a valid step
            return redirect("portal:step", slug=slug, number=max(number - 1, 1))
        if not result.is_valid:
            raw, errors, visible = result.raw, result.errors, result.visible
        else:
            shown = visible | set(request.POST.getlist("shown"))
            if result.visible - shown:
                # Without JavaScript the resident has not seen the questions
                # their answers just made relevant: show them before going on.
                notice = _("Dina svar gör att fler frågor visas. Fyll i dem och gå vidare.")
                visible = result.visible
            else:
                return _next_page(request, form, slug, number)
    return render(
        request,
        "portal/step.html",
        {
            "eservice": eservice,
            "step": current,
            "number": number,
            "total": len(steps),
            "fields": _fields(current, form.answers, raw, errors, visible),
            "errors": errors,
            "notice": notice,
            "upload_owner": form.upload_owner,
            "from_review": bool(request.GET.get("granska")),
            "may_save": request.person is not None and not form.is_test,
            "from_draft": bool(form.draft_id),
            "prefill": PrefillMarks.of(form.answers).for_step(current),
        },
        status=400 if errors else 200,
    )


def _save_draft(request, form, current, number, files):
    """Spara: keep the form as the resident's private draft."""
    slug = form.eservice.slug
    if form.is_test:
        messages.info(request, _("I testläge sparas inget. Fortsätt fylla i."))
        return redirect("portal:step", slug=slug, number=number)
    if request.person is None:
        messages.warning(request, _("Logga in med e-legitimation för att kunna spara."))
        return redirect("portal:step", slug=slug, number=number)
    saved = actions.save_draft(
        form=form, person=request.person, step=current, number=number,
        data=request.POST, files=files,
    )  # fmt: skip
    messages.success(
        request,
        _(
            "Ditt ärende sparades! Om du vill fortsätta senare hittar du det under Mina sidor. "
            "Ett sparat ärende kan bara du se."
        ),
    )
    if saved.left_out:
        messages.warning(
            request,
            _(
                "Några svar på den här sidan var inte rätt ifyllda och sparades inte: "
                "%(questions)s. Fyll i dem igen innan du går vidare."
            )
            % {"questions": ", ".join(f"«{label}»" for label in saved.left_out)},
        )
    return redirect("portal:step", slug=slug, number=number)


def _next_page(request, form, slug, number):
    incomplete = form.first_incomplete()
    if incomplete is None:
        return redirect("portal:review", slug=slug)
    if request.GET.get("granska") and incomplete > number:
        return redirect(f"{reverse('portal:step', args=[slug, incomplete])}?granska=1")
    return redirect("portal:step", slug=slug, number=min(number + 1, incomplete))


def _fields(step, answers, raw, errors, visible):
    fields = []
    anonymous = bool(answers.get(ANONYMOUS_KEY))
    for question in step.questions:
        if anonymous and is_personal(question):
            continue  # not even hidden in the page: never asked
        value = raw[question.id] if question.id in raw else answers.get(question.id)
        if question.type == "file":
            value = answers.get(question.id) or []
        fields.append(
            {
                "question": question,
                "value": value,
                "errors": errors.get(question.id, {}),
                "visible": question.id in visible,
            }
        )
    return fields


@refuse_when_closed
@throttle(
    "anonymous-submission",
    Limit("ETJANST_RATE_SUBMISSIONS_PER_CLIENT"),
    Limit("ETJANST_RATE_SUBMISSIONS_PER_ESERVICE", key=by_view_kwarg("slug")),
    # Only a sent case counts (Skicka answers with the receipt); a form sent
    # back with problems never does.
    accepted=lambda response: "/kvitto/" in response.get("Location", ""),
)
@test_run_aware
def review(request, slug: str):
    eservice = _eservice(request, slug)
    if request.method == "POST":
        # A double click or a replayed Skicka: show the receipt of the case
        # that submission already made.
        earlier = case_for_submission_key(
            request.session,
            request.POST.get("submission_key", ""),
            request.COOKIES.get(ANONYMOUS_RECEIPTS_COOKIE),
        )
        if earlier is not None:
            return _redirect_to_receipt(eservice, earlier)
    if refused := _refused(request, eservice, request.path):
        return refused
    form = _form_or_restart(request, eservice)
    if form is None:
        return _start_first(request, slug)
    incomplete = form.first_incomplete()
    if incomplete is not None:
        messages.warning(request, _("Fyll i alla steg innan du granskar och skickar."))
        return redirect("portal:step", slug=slug, number=incomplete)
    if request.method == "POST":
        return _submit(request, eservice, form)
    return _render_review(request, eservice, form)


def _render_review(request, eservice, form, problems=None, status=200):
    return render(
        request,
        "portal/review.html",
        {
            "eservice": eservice,
            "sections": summarise(form.version.definition, form.answers),
            "submission_key": form.submission_key(),
            "total": len(form.steps()),
            "problems": problems or [],
        },
        status=status,
    )


def _submit(request, eservice, form):
    if request.POST.get("submission_key", "") != form.state.get("submission_key"):
        messages.warning(
            request,
            _("Svaren har ändrats sedan du granskade dem. Granska dem igen och tryck på Skicka."),
        )
        return redirect("portal:review", slug=eservice.slug)
    if form.is_test:  # never registered, never signed: see what would have happened
        return _send_test(request, eservice, form)
    if eservice.requires_signing:
        return _start_signing(request, eservice, form)
    return _send(request, eservice, form)


def _send_test(request, eservice, form):
    try:
        testmode.send_test_form(form=form, run=request.test_run)
    except actions.SubmissionInvalid as exc:
        return _render_problems(request, eservice, form, exc.problems)
    return redirect("portal:test_receipt", slug=eservice.slug)


def _send(request, eservice, form, signature: dict | None = None):
    key = form.state["submission_key"]
    try:
        case = actions.submit_from_session(form=form, person=request.person, signature=signature)
    except actions.SignatureMissing:
        messages.warning(request, _("Ärendet behöver skrivas under med BankID innan det skickas."))
        return redirect("portal:review", slug=eservice.slug)
    except BookingError as exc:
        # The held time ran out and someone else took it: pick a new one.
        messages.error(request, exc.message)
        steps = form.steps()
        number = next(
            (n for n, s in enumerate(steps, 1) if any(q.type == "booking" for q in s.questions)), 1
        )
        return redirect("portal:step", slug=eservice.slug, number=number)
    except actions.SubmissionInvalid as exc:
        return _render_problems(request, eservice, form, exc.problems)
    response = redirect("portal:receipt", slug=eservice.slug, token=case.receipt_token)
    if case.is_anonymous:
        response.set_cookie(
            ANONYMOUS_RECEIPTS_COOKIE,
            anonymous_receipt_token(
                request.COOKIES.get(ANONYMOUS_RECEIPTS_COOKIE), case_id=case.pk, key=key
            ),
            max_age=ANONYMOUS_RECEIPTS_MAX_AGE,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response


def _render_problems(request, eservice, form, problems):
    numbers = {step.id: n for n, step in enumerate(form.steps(), start=1)}
    for problem in problems:
        problem.number = numbers.get(problem.step.id, 1)
    return _render_review(request, eservice, form, problems=problems, status=400)


def _start_signing(request, eservice, form):
    """Skicka on an e-service that requires signing: sign with BankID first."""
    try:
        sign = actions.prepare_signing(form=form, person=request.person)
        bankid_login.start_order(
            request,
            same_device=request.POST.get("device") == "this",
            next_url=reverse("portal:submit_signed", args=[eservice.slug]),
            sign=sign,
        )
    except actions.SubmissionInvalid as exc:
        return _render_problems(request, eservice, form, exc.problems)
    except bankid_login.TooManyStarts:
        messages.error(
            request, _("Du har försökt många gånger på kort tid. Vänta en minut och försök igen.")
        )
        return redirect("portal:review", slug=eservice.slug)
    except BankIDError as exc:
        messages.error(request, message_for(error_code=exc.error_code, same_device=False)[1])
        return redirect("portal:review", slug=eservice.slug)
    return redirect("portal:bankid_wait")


@refuse_when_closed
@test_run_aware
def submit_signed(request, slug: str):
    """BankID says the signature is complete: send the case with it."""
    eservice = _eservice(request, slug)
    if refused := _refused(request, eservice, reverse("portal:review", args=[slug])):
        return refused
    form = _form_or_restart(request, eservice)
    if form is None:
        return _start_first(request, slug)
    if form.is_test:  # a test run is never signed nor sent
        return redirect("portal:review", slug=slug)
    key = form.state.get("submission_key") or ""
    signature = bankid_login.take_signature(request, submission_key=key)
    if signature is None:
        messages.warning(request, _("Ärendet behöver skrivas under med BankID innan det skickas."))
        return redirect("portal:review", slug=slug)
    return _send(request, eservice, form, signature)


def _redirect_to_receipt(eservice, case_id):
    case = get_object_or_404(Case, pk=case_id, eservice=eservice)
    return redirect("portal:receipt", slug=eservice.slug, token=case.receipt_token)


@test_run_aware
def cancel(request, slug: str):
    """Avbryt: a GET asks first (a page that works without JavaScript), the
    POST from that page removes the answers."""
    eservice = _eservice(request, slug)
    form = form_session(request, eservice)
    if request.method != "POST":
        if not form.exists or form.version is None:
            return redirect("portal:intro", slug=slug)
        back = request.GET.get("steg", "")
        number = int(back) if back.isdigit() and form.may_open(int(back)) else None
        number = number or form.first_incomplete()
        back_url = (
            reverse("portal:step", args=[slug, number])
            if number
            else reverse("portal:review", args=[slug])
        )
        return render(
            request,
            "portal/cancel.html",
            {"eservice": eservice, "from_draft": bool(form.draft_id), "back_url": back_url},
        )
    if actions.discard_form(form=form):
        messages.info(
            request,
            _(
                "Du har slutat fylla i. Ditt sparade ärende finns kvar under Mina sidor, "
                "så som det var när du sparade det senast."
            ),
        )
    else:
        messages.info(request, _("Dina svar är borttagna. Inget skickades in."))
    return redirect("portal:intro", slug=slug)


@test_run_aware
def pending_attachment(request, slug: str, attachment_id: uuid.UUID) -> HttpResponse:
    """A file the resident attached to the form they are filling in."""
    eservice = _eservice(request, slug)
    form = form_session(request, eservice)
    if not form.exists:
        raise Http404
    attachment = get_object_or_404(
        Attachment.objects.pending_for(form.upload_owner), pk=attachment_id
    )
    return attachment_response(attachment)
