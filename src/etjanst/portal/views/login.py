"""/logga-in/, /logga-ut/ and the BankID pages. Thin: the e-ID app decides."""

import json
import time

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from etjanst.eid import bankid_login, saml_login
from etjanst.eid.contrib.bankid.client import BankIDError
from etjanst.eid.contrib.bankid.messages import message_for
from etjanst.eid.registry import eid_methods, enabled_methods
from etjanst.eid.session import ACTIVITY_KEY, logout, safe_next


def _next(request) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


def login_choice(request):
    next_url = _next(request)
    # "igen": an e-service asks for a stronger login than the one made.
    if request.person is not None and not request.GET.get("igen"):
        return redirect(next_url)
    options = [option for m in enabled_methods() for option in m.login_options(next_url)]
    return render(request, "portal/login.html", {"options": options, "next": next_url})


def logout_view(request):
    if request.method == "POST":
        bankid_login.cancel_order(request)
        saml_session = request.session.get(saml_login.SESSION_KEY)
        logout(request)
        idp_logout = saml_login.start_logout(request, saml_session)
        messages.success(
            request, _("Du är utloggad. Stäng webbläsaren om du använder en delad dator.")
        )
        if idp_logout:
            # Single Logout: the resident ends the session at the identity
            # provider too. A link, not a redirect: the CSP's form-action
            # 'self' blocks a form submission redirected to another site.
            request.person = None
            return render(request, "portal/saml_logout.html", {"idp_logout": idp_logout})
        return redirect("portal:catalogue")
    return render(request, "portal/logout.html")


@require_POST
def keep_alive(request):
    """The resident answered the warning that the session is about to end."""
    if request.person is not None:
        request.session[ACTIVITY_KEY] = time.time()
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"logged_in": request.person is not None})
    return redirect(_next(request))


def _bankid_enabled():
    if not bankid_enabled():
        raise Http404


def bankid(request):
    _bankid_enabled()
    return render(request, "portal/bankid_choice.html", {"next": _next(request)})


@require_POST
def bankid_start(request):
    _bankid_enabled()
    next_url = _next(request)
    try:
        bankid_login.start_order(
            request, same_device=request.POST.get("device") == "this", next_url=next_url
        )
    except bankid_login.TooManyStarts:
        messages.error(
            request,
            _("Du har försökt logga in många gånger på kort tid. Vänta en minut och försök igen."),
        )
        return redirect(f"{reverse('portal:bankid')}?next={next_url}")
    except bankid_login.BankIDUnavailable as exc:
        messages.error(request, str(exc.message))
        return redirect(f"{reverse('portal:bankid')}?next={next_url}")
    except BankIDError as exc:
        _rfa, text = message_for(error_code=exc.error_code, same_device=False)
        messages.error(request, text)
        return redirect(f"{reverse('portal:bankid')}?next={next_url}")
    return redirect("portal:bankid_wait")


@never_cache
def bankid_wait(request):
    """The waiting page. Without JavaScript it reloads itself every 2
    seconds (a new QR code each time); with it, a script polls and refreshes
    the QR code every second."""
    _bankid_enabled()
    order = bankid_login.current_order(request)
    if order is None:
        failure = bankid_login.take_failure(request)
        if failure is None:
            return redirect("portal:login")
        return _render_wait(
            request,
            bankid_login.PollResult("failed", failure["message"], failure["rfa"]),
            same_device=failure["same_device"],
            next_url=failure["next"],
            retry=failure["retry"],
        )
    result = bankid_login.poll(request)
    if result.status == "complete":
        return redirect(result.next_url)
    if result.status == "failed":
        bankid_login.take_failure(request)  # shown now
    return _render_wait(
        request,
        result,
        same_device=order["same_device"],
        next_url=order["next"],
        retry=bankid_login.retry_url(order),
    )


def _render_wait(request, result, *, same_device: bool, next_url: str, retry: str = ""):
    return render(
        request,
        "portal/bankid_wait.html",
        {
            "result": result,
            "same_device": same_device,
            "qr_svg": bankid_login.current_qr_svg(request),
            # The QR contents of the next seconds, for bankid.js to draw
            # until its first poll brings the following ones.
            "qr_contents": json.dumps(list(result.qr)),
            "status_url": bankid_login.status_url(request),
            "autostart": bankid_login.autostart_link(request),
            "next": next_url,
            "retry": retry,
            "signing": bool(retry),
        },
    )


@never_cache
def bankid_status(request):
    _bankid_enabled()
    poll_key = request.GET.get(bankid_login.POLL_KEY_PARAM)
    # With the poll key (the waiting page's script): a read of the order's
    # state, no session. Without it: the session's order.
    result = bankid_login.poll_by_key(poll_key) if poll_key else bankid_login.poll(request)
    return poll_answer(result)


def poll_body(result: bankid_login.PollResult) -> dict:
    """What a poll answers, wherever it is answered (this view, and the
    middleware in front: BankIDPollFrontMiddleware, BankIDPollMiddleware)."""
    answer = {
        "status": result.status,
        "message": result.message,
        "rfa": result.rfa,
        "next": result.next_url,
    }
    if result.qr:  # a pending QR-code order: the contents bankid.js draws
        answer["qr"] = list(result.qr)
    return answer


def poll_answer(result: bankid_login.PollResult) -> JsonResponse:
    """The poll's JSON (also answered early by BankIDPollMiddleware)."""
    response = JsonResponse(poll_body(result))
    add_never_cache_headers(response)
    return response


def bankid_enabled() -> bool:
    return "bankid" in eid_methods and eid_methods["bankid"].is_enabled()


@never_cache
def bankid_qr(request):
    _bankid_enabled()
    svg = bankid_login.current_qr_svg(request)
    if svg is None:
        # The order has just ended (the page is on its way elsewhere): nothing
        # new to show. Not an error: a refresh racing the login's end is normal.
        # This request may carry the session key the login just replaced; its
        # session is then empty, and Django's SessionMiddleware would answer by
        # deleting the session cookie — logging out the person who has just
        # logged in, if this answer arrives last. Never let this answer touch it.
        request.COOKIES.pop(settings.SESSION_COOKIE_NAME, None)
        response = HttpResponse(status=204)
    else:
        response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def bankid_cancel(request):
    _bankid_enabled()
    order = bankid_login.current_order(request)
    next_url = order["next"] if order else "/"
    retry = bankid_login.retry_url(order) if order else ""
    bankid_login.cancel_order(request)
    if retry:  # a signature: back to the review, nothing was sent
        messages.info(request, _("Underskriften avbröts. Ärendet är inte skickat."))
        return redirect(retry)
    messages.info(request, _("Inloggningen avbröts."))
    return redirect(f"{reverse('portal:login')}?next={next_url}")


def bankid_return(request):
    """BankID on the same device sends the browser back here."""
    _bankid_enabled()
    if not bankid_login.nonce_matches(request, request.GET.get("nonce", "")):
        messages.error(
            request, _("Inloggningen kunde inte kopplas till den här webbläsaren. Försök igen.")
        )
        return redirect("portal:login")
    return redirect("portal:bankid_wait")
