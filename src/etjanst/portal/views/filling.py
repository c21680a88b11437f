"""Filling in an e-service step by step, reviewing and submitting. Thin:
the form session remembers, the eservices engine validates, the cases
actions store."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from etjanst.bookings.actions import BookingError
from etjanst.cases import actions as case_actions
from etjanst.cases import drafts
from etjanst.cases.models import Attachment, Draft
from etjanst.cases.signing import signing_request
from etjanst.content.closures import refuse_when_closed
from etjanst.eid import bankid_login
from etjanst.eid.assurance import level_of
from etjanst.eid.contrib.bankid.client import BankIDError
from etjanst.eid.contrib.bankid.messages import message_for
from etjanst.eservices.conditions import ANONYMOUS_KEY, is_personal
from etjanst.eservices.engine import validate_answers, visible_questions
from etjanst.eservices.models import EService
from etjanst.eservices.prefilled import PrefillMarks
from etjanst.eservices.presentation import summarise
from etjanst.people.actions import resident_for

from ..formsession import FormSession, case_for_submission_key


def _eservice(slug: str) -> EService:
    return get_object_or_404(EService.objects.published().select_related("committee"), slug=slug)


def _needs_login(request: HttpRequest, eservice: EService, next_url: str):
    """A redirect to /logga-in/ when the e-service requires a login (or a
    stronger one), or back to its intro when it needs a personnummer that
    the resident's e-ID did not give."""
    if eservice.requires_login and request.person is None:
        messages.info(request, _("Logga in med e-legitimation för att använda e-tjänsten."))
        return redirect(f"{reverse('portal:login')}?{urlencode({'next': next_url})}")
    if eservice.requires_login and request.person.assurance_level < level_of(eservice.eid_loa):
        messages.warning(
            request,
            _(
                "E-tjänsten kräver en e-legitimation med högre tillitsnivå än den du loggade in "
                "med. Logga in med en annan e-legitimation."
            ),
        )
        return redirect(f"{reverse('portal:login')}?{urlencode({'next': next_url, 'igen': 1})}")
    person = request.person
    if person is not None and not person.has_personnummer and eservice.needs_personnummer:
        messages.warning(request, personnummer_needed_message())
        return redirect("portal:intro", slug=eservice.slug)
    return None


def personnummer_needed_message() -> str:
    return _(
        "E-tjänsten kräver ett svenskt personnummer. Du är inloggad med en e-legitimation utan "
        "personnummer och kan därför inte använda e-tjänsten här. Kontakta kommunen om du "
        "behöver hjälp."
    )


def _form_or_restart(request: HttpRequest, eservice: EService) -> FormSession | None:
    form = FormSession(request.session, eservice)
    if not form.exists or form.version is None:
        return None
    return form


@refuse_when_closed
def start(request, slug: str):
    eservice = _eservice(slug)
    if request.method != "POST":  # e.g. a bookmarked or reloaded address
        return redirect("portal:intro", slug=slug)
    if login := _needs_login(request, eservice, reverse("portal:intro", args=[slug])):
        return login
    form = FormSession(request.session, eservice)
    if form.exists and request.POST.get("action") != "restart":
        return redirect("portal:step", slug=slug, number=form.first_incomplete() or 1)
    anonymous = False
    if eservice.offers_anonymity:
        choice = request.POST.get("anonymous")
        if choice not in {"yes", "no"}:
            messages.error(request, _("Svara på om du vill vara anonym innan du startar."))
            return redirect(f"{reverse('portal:intro', args=[slug])}#anonymitet")
        anonymous = choice == "yes"
    if form.exists:
        case_actions.discard_pending_uploads(upload_owner=form.upload_owner)
    FormSession.start(
        request.session,
        eservice,
        eservice.current_version,
        person=request.person,
        anonymous=anonymous,
    )
    return redirect("portal:step", slug=slug, number=1)


@refuse_when_closed
def step(request, slug: str, number: int):
    eservice = _eservice(slug)
    if login := _needs_login(request, eservice, request.path):
        return login
    form = _form_or_restart(request, eservice)
    if form is None:
        messages.info(request, _("Börja med att läsa om e-tjänsten och tryck sedan på Starta."))
        return redirect("portal:intro", slug=slug)
    if not form.may_open(number):
        messages.warning(request, _("Fyll i stegen i tur och ordning."))
        return redirect("portal:step", slug=slug, number=form.first_incomplete() or 1)
    steps = form.steps()
    current = steps[number - 1]
    version = form.version
    raw, errors, notice = {}, {}, ""
    visible = visible_questions(current, form.answers)
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if action == "save":
            return _save_draft(request, form, current, number)
        result = case_actions.record_step(
            version=version,
            step=current,
            data=request.POST,
            files={key: request.FILES.getlist(key) for key in request.FILES},
            answers=form.answers,
            upload_owner=form.upload_owner,
        )
        if not result.is_valid:
            if action == "back":  # going back never needs a valid step
                return redirect("portal:step", slug=slug, number=max(number - 1, 1))
            raw, errors, visible = result.raw, result.errors, result.visible
        else:
            form.save_step(current, result.answers)
            if action == "back":
                return redirect("portal:step", slug=slug, number=max(number - 1, 1))
            shown = visible | set(request.POST.getlist("shown"))
            if result.visible - shown:
                # Without JavaScript the resident has not seen the questions
                # their answers just made relevant: show them before going on.
                notice = _("Dina svar gör att fler frågor visas. Fyll i dem och gå vidare.")
                visible = result.visible
            else:
                return _next_page(request, form, slug, number)
    status = 400 if errors else 200
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
            "may_save": request.person is not None,
            "from_draft": bool(form.draft_id),
            "prefill": PrefillMarks.of(form.answers).for_step(current),
        },
        status=status,
    )


def _save_draft(request, form, current, number):
    """Spara: keep the form as the resident's private draft. What is valid on
    this step is kept; what is not is left out, and the resident is told."""
    slug = form.eservice.slug
    if request.person is None:
        messages.warning(request, _("Logga in med e-legitimation för att kunna spara."))
        return redirect("portal:step", slug=slug, number=number)
    result = case_actions.record_step(
        version=form.version,
        step=current,
        data=request.POST,
        files={key: request.FILES.getlist(key) for key in request.FILES},
        answers=form.answers,
        upload_owner=form.upload_owner,
    )
    if result.is_valid:
        form.save_step(current, result.answers)
    else:
        valid = {k: v for k, v in result.answers.items() if k not in result.errors}
        form.save_partial(current, valid, set(result.errors))
    draft = drafts.save_draft(
        owner=resident_for(person=request.person),
        version=form.version,
        answers=form.answers,
        completed_steps=form.state["completed"],
        step_number=number,
        upload_owner=form.upload_owner,
        draft_id=form.draft_id,
    )
    form.remember_draft(draft.pk)
    messages.success(
        request,
        _(
            "Ditt ärende sparades! Om du vill fortsätta senare hittar du det under Mina sidor. "
            "Ett sparat ärende kan bara du se."
        ),
    )
    if not result.is_valid:
        messages.warning(
            request,
            _(
                "Några svar på den här sidan var inte rätt ifyllda och sparades inte. "
                "Fyll i dem igen innan du går vidare."
            ),
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
def review(request, slug: str):
    eservice = _eservice(slug)
    if request.method == "POST":
        # A double click or a replayed Skicka: show the receipt of the case
        # that submission already made.
        earlier = case_for_submission_key(request.session, request.POST.get("submission_key", ""))
        if earlier is not None:
            return _redirect_to_receipt(eservice, earlier)
    if login := _needs_login(request, eservice, request.path):
        return login
    form = _form_or_restart(request, eservice)
    if form is None:
        messages.info(request, _("Börja med att läsa om e-tjänsten och tryck sedan på Starta."))
        return redirect("portal:intro", slug=slug)
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
    posted_key = request.POST.get("submission_key", "")
    if eservice.requires_signing and posted_key == form.state.get("submission_key"):
        return _start_signing(request, eservice, form, posted_key)
    if posted_key != form.state.get("submission_key"):
        messages.warning(
            request,
            _("Svaren har ändrats sedan du granskade dem. Granska dem igen och tryck på Skicka."),
        )
        return redirect("portal:review", slug=eservice.slug)
    return _send(request, eservice, form, posted_key)


def _send(request, eservice, form, key: str, signature: dict | None = None):
    anonymous = form.anonymous
    owner = resident_for(person=request.person) if request.person and not anonymous else None
    draft = None
    if form.draft_id and request.person:
        drafter = resident_for(person=request.person)
        draft = Draft.objects.owned_by(drafter).filter(pk=form.draft_id).first()
    try:
        case = case_actions.submit_case(
            version=form.version,
            answers=form.answers,
            upload_owner=form.upload_owner,
            submission_key=uuid.UUID(key),
            signature=signature,
            owner=owner,
            draft=draft,
        )
    except case_actions.SignatureMissing:
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
    except case_actions.SubmissionInvalid as exc:
        numbers = {step.id: n for n, step in enumerate(form.steps(), start=1)}
        for problem in exc.problems:
            problem.number = numbers.get(problem.step.id, 1)
        return _render_review(request, eservice, form, problems=exc.problems, status=400)
    form.finish(case.pk)
    return redirect("portal:receipt", slug=eservice.slug, token=case.receipt_token)


def _start_signing(request, eservice, form, key: str):
    """Skicka on an e-service that requires signing: sign with BankID first."""
    problems = validate_answers(form.version.definition, form.answers)
    if problems:
        return _render_review(request, eservice, form, problems=problems, status=400)
    try:
        bankid_login.start_order(
            request,
            same_device=request.POST.get("device") == "this",
            next_url=reverse("portal:submit_signed", args=[eservice.slug]),
            sign=signing_request(
                version=form.version,
                answers=form.answers,
                signer_name=request.person.name,
                submission_key=key,
            ),
        )
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
def submit_signed(request, slug: str):
    """BankID says the signature is complete: send the case with it."""
    eservice = _eservice(slug)
    if login := _needs_login(request, eservice, reverse("portal:review", args=[slug])):
        return login
    form = _form_or_restart(request, eservice)
    if form is None:
        messages.info(request, _("Börja med att läsa om e-tjänsten och tryck sedan på Starta."))
        return redirect("portal:intro", slug=slug)
    key = form.state.get("submission_key") or ""
    signature = bankid_login.take_signature(request, submission_key=key)
    if signature is None:
        messages.warning(request, _("Ärendet behöver skrivas under med BankID innan det skickas."))
        return redirect("portal:review", slug=slug)
    return _send(request, eservice, form, key, signature)


def _redirect_to_receipt(eservice, case_id):
    from etjanst.cases.models import Case

    case = get_object_or_404(Case, pk=case_id, eservice=eservice)
    return redirect("portal:receipt", slug=eservice.slug, token=case.receipt_token)


def cancel(request, slug: str):
    """Avbryt: a GET asks first (a page that works without JavaScript), the
    POST from that page removes the answers."""
    eservice = _eservice(slug)
    form = FormSession(request.session, eservice)
    from_draft = form.exists and form.draft_id
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
            {"eservice": eservice, "from_draft": from_draft, "back_url": back_url},
        )
    if form.exists:
        case_actions.discard_pending_uploads(upload_owner=form.upload_owner)
        form.clear()
    if from_draft:
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


def pending_attachment(request, slug: str, attachment_id: uuid.UUID) -> HttpResponse:
    """A file the resident attached to the form they are filling in."""
    eservice = _eservice(slug)
    form = FormSession(request.session, eservice)
    if not form.exists:
        raise Http404
    attachment = get_object_or_404(
        Attachment.objects.pending_for(form.upload_owner), pk=attachment_id
    )
    return attachment_response(attachment)


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
