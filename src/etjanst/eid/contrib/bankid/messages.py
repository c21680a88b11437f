"""BankID's recommended user messages (RFA), word for word from
shared/reference/bankid.md. Deliberately not gettext: the texts must match
BankID's wording exactly, in Swedish and in English."""

from __future__ import annotations

from django.utils import translation

RFA: dict[str, dict[str, str]] = {
    "RFA1": {"sv": "Starta BankID-appen.", "en": "Start your BankID app."},
    "RFA3": {
        "sv": "Åtgärden avbröts. Försök igen.",
        "en": "The action was cancelled. Please try again.",
    },
    "RFA4": {
        "sv": "En identifiering eller underskrift pågår redan för ditt personnummer. Försök igen.",
        "en": "An identification or signature is already in progress for your personal "
        "identity number. Please try again.",
    },
    "RFA5": {
        "sv": "Något gick fel. Försök igen.",
        "en": "Something went wrong. Please try again.",
    },
    "RFA6": {"sv": "Åtgärden avbröts.", "en": "The action was cancelled."},
    "RFA8": {
        "sv": "BankID-appen svarar inte. Kontrollera att den är startad och att du har "
        "internetanslutning. Försök sedan igen.",
        "en": "The BankID app is not responding. Please check that it's started and that you "
        "have internet access. Try again.",
    },
    "RFA9": {
        "sv": "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.",
        "en": "Enter your security code in the BankID app and select Identify or Sign.",
    },
    "RFA13": {"sv": "Försöker starta BankID-appen.", "en": "Trying to start your BankID app."},
    "RFA15A": {
        "sv": "Söker efter BankID. Säkerställ att du har ett giltigt BankID på den här datorn. "
        "Om du har ett BankID på kort, sätt in kortet i kortläsaren.",
        "en": "Searching for BankID. Make sure you have a valid BankID on this computer. If you "
        "have a BankID on card, please insert the card into your card reader.",
    },
    "RFA15B": {
        "sv": "Söker efter BankID. Säkerställ att du har ett giltigt BankID på den här enheten.",
        "en": "Searching for BankID. Make sure you have a valid BankID on this device.",
    },
    "RFA16": {
        "sv": "Ditt BankID är för gammalt eller spärrat. Använd ett annat BankID eller skaffa "
        "ett nytt hos din bank.",
        "en": "Your BankID is blocked or too old. Please use another BankID or get a new one "
        "from your bank.",
    },
    "RFA17A": {
        "sv": "Du verkar inte ha BankID-appen/programmet. Installera den och skaffa ett BankID "
        "hos din bank.",
        "en": "You don't seem to have the BankID app/program. Please install it and get a "
        "BankID from your bank.",
    },
    "RFA17B": {
        "sv": "Misslyckades att läsa av QR-koden. Starta BankID-appen och läs av QR-koden.",
        "en": "Failed to scan the QR code. Start the BankID app and scan the QR code.",
    },
    "RFA20": {
        "sv": "Vill du använda BankID på den här enheten eller på en annan enhet?",
        "en": "Do you want to use BankID on this device or another device?",
    },
    "RFA21": {
        "sv": "En identifiering eller underskrift pågår.",
        "en": "An identification or signing is in progress.",
    },
    "RFA22": {
        "sv": "Något gick fel. Försök igen.",
        "en": "Something went wrong. Please try again.",
    },
    "RFA23": {
        "sv": "Fotografera och läs av din ID-handling med BankID-appen.",
        "en": "Take a photo of, and scan, your ID document with the BankID app.",
    },
}

PENDING_HINTS = {
    "outstandingTransaction",
    "noClient",
    "started",
    "userMrtd",
    "userCallConfirm",
    "userSign",
}
FAILED_HINTS = {
    "expiredTransaction",
    "certificateErr",
    "userCancel",
    "cancelled",
    "startFailed",
    "userDeclinedCall",
    "notSupportedByUserApp",
    "transactionRiskBlocked",
}

ERROR_RFA = {
    "alreadyInProgress": "RFA4",
    "requestTimeout": "RFA5",
    "tooManyRequests": "RFA5",
    "internalError": "RFA5",
    "Maintenance": "RFA5",
    # The reference says "internal" for these (our own mistakes, nothing the
    # user can do): the user sees RFA22 ("Något gick fel. Försök igen.").
    "invalidParameters": "RFA22",
    "unauthorized": "RFA22",
    "notFound": "RFA22",
    "methodNotAllowed": "RFA22",
    "unsupportedMediaType": "RFA22",
}


def text(rfa: str) -> str:
    """The text of one RFA in the active language (English when it starts
    with "en", Swedish otherwise)."""
    language = (translation.get_language() or "sv").lower()
    return RFA[rfa]["en" if language.startswith("en") else "sv"]


def rfa_for(
    *,
    status: str | None = None,
    hint_code: str | None = None,
    error_code: str | None = None,
    same_device: bool,
    mobile: bool = False,
) -> str:
    if error_code:
        return ERROR_RFA.get(error_code, "RFA22")
    if status is None:
        status = "failed" if hint_code in FAILED_HINTS else "pending"
    if status == "pending":
        if hint_code == "outstandingTransaction":
            return "RFA13" if same_device else "RFA1"
        if hint_code == "noClient":
            return "RFA1"
        if hint_code == "started":
            return "RFA15B" if mobile else "RFA15A"
        if hint_code == "userSign":
            return "RFA9"
        if hint_code == "userMrtd":
            return "RFA23"
        return "RFA21"
    if status == "failed":
        return {
            "expiredTransaction": "RFA8",
            "certificateErr": "RFA16",
            "userCancel": "RFA6",
            "cancelled": "RFA3",
            "startFailed": "RFA17A" if same_device else "RFA17B",
        }.get(hint_code or "", "RFA22")
    # "complete" (or an unknown status) has no RFA of its own.
    return "RFA22" if status != "complete" else ""


def message_for(
    *,
    status: str | None = None,
    hint_code: str | None = None,
    error_code: str | None = None,
    same_device: bool,
    mobile: bool = False,
) -> tuple[str, str]:
    """(rfa id, text in the active Django language). An error code wins over
    a status; a complete order gives ("", "")."""
    rfa = rfa_for(
        status=status,
        hint_code=hint_code,
        error_code=error_code,
        same_device=same_device,
        mobile=mobile,
    )
    return (rfa, text(rfa)) if rfa else ("", "")
