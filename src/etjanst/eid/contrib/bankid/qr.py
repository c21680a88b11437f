"""BankID's animated QR code and the same-device launch link
(shared/reference/bankid.md, "Animated QR code").

The QR content is computed on the server once a second; `qrStartSecret` never
reaches the browser.
"""

from __future__ import annotations

import hashlib
import hmac
import io
from urllib.parse import quote

import segno

QR_LABEL = "QR-kod för BankID"


def qr_auth_code(qr_start_secret: str, seconds: int) -> str:
    """HMAC-SHA256(key=qrStartSecret, message=str(qrTime)), hex."""
    return hmac.new(
        qr_start_secret.encode("utf-8"), str(int(seconds)).encode("ascii"), hashlib.sha256
    ).hexdigest()


def qr_content(qr_start_token: str, qr_start_secret: str, seconds: int) -> str:
    """`bankid.<qrStartToken>.<qrTime>.<qrAuthCode>`, qrTime = whole seconds
    since the /auth (or /sign) response."""
    seconds = max(0, int(seconds))
    return f"bankid.{qr_start_token}.{seconds}.{qr_auth_code(qr_start_secret, seconds)}"


def qr_svg(content: str, *, label: str = QR_LABEL) -> str:
    """An inline-able SVG (no XML declaration) with an accessible name."""
    buffer = io.BytesIO()
    segno.make(content, error="l", micro=False).save(
        buffer,
        kind="svg",
        scale=6,
        dark="#000",
        light="#fff",
        border=4,
        xmldecl=False,
        svgns=True,
        title=label,
        svgclass="bankid-qr",
        lineclass=None,
        omitsize=True,
    )
    svg = buffer.getvalue().decode("utf-8")
    escaped = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escaped}" ', 1)


def autostart_url(token: str, *, return_url: str | None = None, mobile: bool = False) -> str:
    """`bankid:///?autostarttoken=<token>&redirect=null` on a computer,
    `https://app.bankid.com/?autostarttoken=...` in a mobile browser.

    As the reference recommends, pass `returnUrl` (with a nonce) in the API
    call and leave `return_url` None here (redirect=null). A given return_url
    is put in `redirect` instead (URL-encoded)."""
    redirect = quote(return_url, safe="") if return_url else "null"
    base = "https://app.bankid.com/" if mobile else "bankid:///"
    return f"{base}?autostarttoken={quote(token, safe='-')}&redirect={redirect}"
