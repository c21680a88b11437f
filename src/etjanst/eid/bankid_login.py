"""Logging in with BankID: the e-ID method, and the order kept in the
session that started it (nobody else can collect, cancel or finish it)."""

import functools
import logging
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_ratelimit.core import is_ratelimited

from . import bankid_orders
from .base import EIDMethod
from .contrib.bankid.client import BankIDClient, BankIDError
from .contrib.bankid.messages import message_for
from .contrib.bankid.qr import autostart_url, qr_content, qr_svg
from .metrics import BANKID_ORDERS
from .person import Person
from .registry import eid_methods
from .session import client_ip, current_person, login

logger = logging.getLogger(__name__)

ORDER_KEY = "etjanst_bankid_order"
COLLECT_INTERVAL = 2.0  # seconds: BankID asks relying parties to collect at most this often
POLL_KEY_PARAM = "k"  # the waiting page's poll names its order by this query parameter
#: QR contents in a poll answer: this second's and the next ones', enough
#: for the 2 s until the next answer plus a late one (the script shows a new
#: one each second). Only the codes travel: qrStartSecret stays here.
QR_AHEAD = 5


@eid_methods.register("bankid")
class BankIDMethod(EIDMethod):
    name = "BankID"
    description = gettext_lazy("Med Mobilt BankID i telefonen eller BankID på den här datorn.")

    def login_url(self, next_url: str) -> str:
        return f"{reverse('portal:bankid')}?{urlencode({'next': next_url})}"


class TooManyStarts(Exception):
    """The client address started too many orders in a short time."""


@dataclass(frozen=True)
class PollResult:
    status: str  # "pending", "failed", "complete" or "none"
    message: str
    rfa: str = ""
    next_url: str = ""
    qr: tuple[str, ...] = ()  # the QR code's contents for this second and the next few


class BankIDUnavailable(BankIDError):
    """BankID is switched on but cannot be reached as configured (a missing or
    unreadable certificate): no retry helps, the operator must act."""

    message = gettext_lazy(
        "Det går inte att logga in med BankID just nu. Försök igen senare eller välj en annan "
        "e-legitimation."
    )


_clients: dict[tuple, BankIDClient] = {}


def client() -> BankIDClient:
    """One client (and connection pool) per process and configuration."""
    key = tuple(sorted(settings.BANKID.items()))
    if key not in _clients:
        try:
            _clients[key] = BankIDClient.from_settings()
        except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
            logger.error(
                "BankID is misconfigured, check BANKID_CLIENT_CERT, BANKID_CLIENT_KEY and "
                "BANKID_CA_CERT (%s: %s)",
                type(exc).__name__,
                getattr(exc, "filename", None) or exc,
            )
            raise BankIDUnavailable("internalError", "configuration") from exc
    return _clients[key]


def start_order(
    request: HttpRequest, *, same_device: bool, next_url: str, sign: dict | None = None
) -> dict:
    """Start an identification (or, with `sign`, a signature) at BankID for
    this browser session. `sign` has `text` (shown in the app, simpleMarkdownV1),
    `digest` (sent as userNonVisibleData) and `context` (kept with the order)."""
    ip = client_ip(request)
    # django-ratelimit's counter in the shared cache, per client address.
    if is_ratelimited(
        request,
        group="bankid-starts",
        key=lambda _group, _request: ip,
        rate=f"{settings.ETJANST_BANKID_STARTS_PER_MINUTE}/m",
        increment=True,
    ):
        raise TooManyStarts
    cancel_order(request)  # one order per session
    nonce = secrets.token_urlsafe(16)
    return_url = None
    if same_device:
        return_url = request.build_absolute_uri(reverse("portal:bankid_return")) + f"?nonce={nonce}"
    kind = "sign" if sign else "auth"
    try:
        if sign is None:
            order = client().auth(end_user_ip=ip, return_url=return_url)
        else:
            order = client().sign(
                end_user_ip=ip,
                user_visible_data=sign["text"],
                user_non_visible_data=sign["digest"].encode(),
                return_url=return_url,
            )
    except BankIDError:
        BANKID_ORDERS.labels(kind, "error").inc()
        raise
    BANKID_ORDERS.labels(kind, "started").inc()
    state = {
        "kind": "sign" if sign else "auth",
        "context": sign["context"] if sign else {},
        "order_ref": order.order_ref,
        "auto_start_token": order.auto_start_token,
        "qr_start_token": order.qr_start_token,
        "qr_start_secret": order.qr_start_secret,
        "started_at": order.started_at,
        "same_device": same_device,
        "nonce": nonce,
        "next": next_url,
        "poll_key": bankid_orders.register(
            order, same_device=same_device, interval=COLLECT_INTERVAL
        ),
    }
    request.session[ORDER_KEY] = state
    return state


def current_order(request: HttpRequest) -> dict | None:
    return request.session.get(ORDER_KEY)


def collect_lease() -> float:
    """How long a collect may take before another process may try again."""
    return float(settings.BANKID.get("TIMEOUT", 10.0)) + 5.0


def _fresh(current: bankid_orders.OrderState) -> bankid_orders.OrderState:
    """While a collector is alive, a poll only reads: the web never takes on
    a lagging collector's backlog (at a peak that would only slow both).
    Without one (none runs, or it died), the poll collects its own order
    when it is overdue: logins never get stuck, and BankID's pace holds."""
    if current.ended or bankid_orders.collector_alive():
        return current
    return bankid_orders.collect_if_overdue(
        client(),
        current,
        interval=COLLECT_INTERVAL,
        overdue=settings.ETJANST_BANKID_POLL_COLLECTS_AFTER,
        lease=collect_lease(),
    )


def _gone() -> bankid_orders.OrderState:
    # Pruned or never kept (an order started before an upgrade): as if it expired.
    return bankid_orders.OrderState("", "failed", "expiredTransaction", False, None)


def poll_by_key(poll_key: str) -> PollResult:
    """The waiting page's poll: the order's last known state, without the
    session. An ended order is finished by the waiting page (with the session
    that started it), where `next_url` leads."""
    current = bankid_orders.state(poll_key=poll_key[:64]) if poll_key else None
    if current is None:
        return PollResult("none", _("Ingen inloggning pågår."))
    current = _fresh(current)
    if current.ended:
        wait = reverse("portal:bankid_wait")
        return PollResult("complete" if current.status == "complete" else "failed", "", "", wait)
    rfa, text = message_for(
        status=current.status, hint_code=current.hint_code, same_device=current.same_device
    )
    qr = qr_ahead(current.qr_start_token, current.qr_start_secret, current.started_at)
    return PollResult(current.status, text, rfa, qr=qr)


def qr_ahead(token: str, secret: str, started_at: float | None) -> tuple[str, ...]:
    """The animated QR code's contents from this second on (QR_AHEAD of
    them), as `qr_content` computes each; none for a same-device order."""
    if not token or not secret or started_at is None:
        return ()
    first = max(0, int(time.time() - started_at))
    return tuple(qr_content(token, secret, second) for second in range(first, first + QR_AHEAD))


def pending_by_key(poll_key: str) -> tuple[str, str, bool, tuple[str, ...]] | None:
    """(status, hint code, same device, QR contents) of a pending order, when answering
    its poll needs nothing but its row: no collect here (a collector is
    alive, or the order is not overdue). None: let `poll_by_key` answer
    (unknown key, ended order, or one this poll must collect).
    The front of every poll (portal.middleware.BankIDPollFrontMiddleware)."""
    row = bankid_orders.poll_row(poll_key[:64]) if poll_key else None
    if row is None:
        return None
    status, hint_code, same_device, due_at, qr_token, qr_secret, started_at = row
    if status != bankid_orders.Status.PENDING:
        return None
    overdue = due_at <= time.time() - settings.ETJANST_BANKID_POLL_COLLECTS_AFTER
    if overdue and not bankid_orders.collector_alive():
        return None
    return status, hint_code, bool(same_device), qr_ahead(qr_token, qr_secret, started_at)


@functools.lru_cache(maxsize=512)
def pending_message(status: str, hint_code: str, same_device: bool, language: str):
    """(rfa, text) for a pending order, in `language`: memoised, as the
    texts depend on nothing else (BankID's hint codes are a short list;
    an unknown one maps to a generic text, so the cache stays small)."""
    with translation.override(language):
        return message_for(status=status, hint_code=hint_code, same_device=same_device)


def poll(request: HttpRequest) -> PollResult:
    """The session's order as last collected (collected here only when
    overdue); finishes the login or signature when it has ended."""
    order = current_order(request)
    if order is None:
        return PollResult("none", _("Ingen inloggning pågår."))
    current = bankid_orders.state(order_ref=order["order_ref"]) or _gone()
    current = _fresh(current)
    if current.status in {"error", "failed", "complete"}:
        BANKID_ORDERS.labels(order.get("kind", "auth"), current.status).inc()
    if current.status == "error":
        bankid_orders.forget(order["order_ref"])
        rfa, text = message_for(error_code=current.hint_code, same_device=order["same_device"])
        return _failed(request, order, rfa, text)
    if current.status == "failed":
        bankid_orders.forget(order["order_ref"])
        rfa, text = message_for(
            status="failed", hint_code=current.hint_code, same_device=order["same_device"]
        )
        return _failed(request, order, rfa, text)
    if current.status == "complete":
        completion = bankid_orders.take(order["order_ref"])
        if completion is None:  # another request of this session took it a moment ago
            return PollResult("pending", "", "")
        if order.get("kind") == "sign":
            return _signed(request, order, completion)
        request.session.pop(ORDER_KEY, None)
        user = completion["user"]
        login(
            request,
            Person(
                personnummer=user["personalNumber"],
                given_name=user.get("givenName", ""),
                surname=user.get("surname", ""),
                method="bankid",
            ),
        )
        return PollResult("complete", _("Du är inloggad."), next_url=order["next"])
    rfa, text = message_for(
        status=current.status, hint_code=current.hint_code, same_device=order["same_device"]
    )
    qr = (
        ()
        if order["same_device"]
        else qr_ahead(order["qr_start_token"], order["qr_start_secret"], order["started_at"])
    )
    return PollResult(current.status, text, rfa, qr=qr)


def status_url(request: HttpRequest) -> str:
    """Where the waiting page's script polls: names the order by its poll key."""
    order = current_order(request)
    url = reverse("portal:bankid_status")
    if order and order.get("poll_key"):
        url += "?" + urlencode({POLL_KEY_PARAM: order["poll_key"]})
    return url


SIGNED_KEY = "etjanst_bankid_signed"
FAILED_KEY = "etjanst_bankid_failed"


def _failed(request: HttpRequest, order: dict, rfa: str, text: str) -> PollResult:
    """The order ended without success: forget it, but remember the message
    for the waiting page that shows it (after a reload, too)."""
    request.session.pop(ORDER_KEY, None)
    request.session[FAILED_KEY] = {
        "rfa": rfa,
        "message": text,
        "same_device": order["same_device"],
        "next": order["next"],
        "retry": retry_url(order),
    }
    return PollResult("failed", text, rfa)


def retry_url(order: dict) -> str:
    """Where "Försök igen" leads: a new login, or back to the review to sign."""
    if order.get("kind") == "sign":
        if order["context"].get("retry"):  # e.g. a guardian's signing page
            return order["context"]["retry"]
        return reverse("portal:review", args=[order["context"]["eservice"]])
    return ""


def take_failure(request: HttpRequest) -> dict | None:
    """The last failed order's message, once."""
    return request.session.pop(FAILED_KEY, None)


def _signed(request: HttpRequest, order: dict, completion: dict) -> PollResult:
    """A signature is complete: keep it for the submit, if the signer is the
    logged-in person."""
    person = current_person(request)
    user = completion["user"]
    if person is None or user["personalNumber"] != person.personnummer:
        text = _(
            "Underskriften gjordes med ett annat BankID än det du loggade in med. Försök igen."
        )
        return _failed(request, order, "RFA22", text)
    request.session.pop(ORDER_KEY, None)
    request.session[SIGNED_KEY] = {
        **order["context"],
        "method": "bankid",
        "order_ref": order["order_ref"],
        "personnummer": user["personalNumber"],
        "name": user.get("name") or person.name,
        "signed_at": time.time(),
        "signature": completion.get("signature", ""),
        "ocsp_response": completion.get("ocspResponse", ""),
        "completion_data": completion,
    }
    return PollResult("complete", _("Du har skrivit under."), next_url=order["next"])


def take_signature(request: HttpRequest, *, submission_key: str) -> dict | None:
    """The signature made for this submission, once."""
    signed = request.session.get(SIGNED_KEY)
    if signed is None or signed.get("submission_key") != submission_key:
        return None
    return request.session.pop(SIGNED_KEY)


def current_qr_svg(request: HttpRequest) -> str | None:
    """The animated QR code as it is right now (computed here: the secret
    never reaches the browser)."""
    order = current_order(request)
    if order is None or order["same_device"]:
        return None
    seconds = int(time.time() - order["started_at"])
    return qr_svg(qr_content(order["qr_start_token"], order["qr_start_secret"], seconds))


def autostart_link(request: HttpRequest) -> str | None:
    order = current_order(request)
    if order is None or not order["same_device"]:
        return None
    return autostart_url(order["auto_start_token"])


def nonce_matches(request: HttpRequest, nonce: str) -> bool:
    order = current_order(request)
    return bool(order and nonce and secrets.compare_digest(order["nonce"], nonce))


def cancel_order(request: HttpRequest) -> None:
    """Cancel the session's order at BankID, if there is one."""
    order = request.session.pop(ORDER_KEY, None)
    if order is None:
        return
    bankid_orders.forget(order["order_ref"])
    try:
        client().cancel(order["order_ref"])
    except BankIDError as exc:  # already finished or gone: nothing to cancel
        logger.info("BankID cancel: %s", exc.error_code)
