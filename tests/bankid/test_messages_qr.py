import re

import pytest
from django.utils import translation

from etjanst.eid.contrib.bankid.messages import RFA, message_for
from etjanst.eid.contrib.bankid.qr import autostart_url, qr_auth_code, qr_content, qr_svg

SV = {
    "RFA1": "Starta BankID-appen.",
    "RFA3": "Åtgärden avbröts. Försök igen.",
    "RFA4": "En identifiering eller underskrift pågår redan för ditt personnummer. Försök igen.",
    "RFA5": "Något gick fel. Försök igen.",
    "RFA6": "Åtgärden avbröts.",
    "RFA8": "BankID-appen svarar inte. Kontrollera att den är startad och att du har internetanslutning. Försök sedan igen.",
    "RFA9": "Skriv in din säkerhetskod i BankID-appen och välj Identifiera eller Skriv under.",
    "RFA13": "Försöker starta BankID-appen.",
    "RFA15A": "Söker efter BankID. Säkerställ att du har ett giltigt BankID på den här datorn. Om du har ett BankID på kort, sätt in kortet i kortläsaren.",
    "RFA15B": "Söker efter BankID. Säkerställ att du har ett giltigt BankID på den här enheten.",
    "RFA16": "Ditt BankID är för gammalt eller spärrat. Använd ett annat BankID eller skaffa ett nytt hos din bank.",
    "RFA17A": "Du verkar inte ha BankID-appen/programmet. Installera den och skaffa ett BankID hos din bank.",
    "RFA17B": "Misslyckades att läsa av QR-koden. Starta BankID-appen och läs av QR-koden.",
    "RFA20": "Vill du använda BankID på den här enheten eller på en annan enhet?",
    "RFA21": "En identifiering eller underskrift pågår.",
    "RFA22": "Något gick fel. Försök igen.",
    "RFA23": "Fotografera och läs av din ID-handling med BankID-appen.",
}
EN = {
    "RFA1": "Start your BankID app.",
    "RFA3": "The action was cancelled. Please try again.",
    "RFA4": "An identification or signature is already in progress for your personal identity number. Please try again.",
    "RFA5": "Something went wrong. Please try again.",
    "RFA6": "The action was cancelled.",
    "RFA8": "The BankID app is not responding. Please check that it's started and that you have internet access. Try again.",
    "RFA9": "Enter your security code in the BankID app and select Identify or Sign.",
    "RFA13": "Trying to start your BankID app.",
    "RFA15A": "Searching for BankID. Make sure you have a valid BankID on this computer. If you have a BankID on card, please insert the card into your card reader.",
    "RFA15B": "Searching for BankID. Make sure you have a valid BankID on this device.",
    "RFA16": "Your BankID is blocked or too old. Please use another BankID or get a new one from your bank.",
    "RFA17A": "You don't seem to have the BankID app/program. Please install it and get a BankID from your bank.",
    "RFA17B": "Failed to scan the QR code. Start the BankID app and scan the QR code.",
    "RFA20": "Do you want to use BankID on this device or another device?",
    "RFA21": "An identification or signing is in progress.",
    "RFA22": "Something went wrong. Please try again.",
    "RFA23": "Take a photo of, and scan, your ID document with the BankID app.",
}

CASES = [
    # (kwargs, expected rfa)
    ({"status": "pending", "hint_code": "outstandingTransaction", "same_device": False}, "RFA1"),
    ({"status": "pending", "hint_code": "outstandingTransaction", "same_device": True}, "RFA13"),
    ({"status": "pending", "hint_code": "noClient", "same_device": True}, "RFA1"),
    ({"status": "pending", "hint_code": "started", "same_device": False}, "RFA15A"),
    ({"status": "pending", "hint_code": "started", "same_device": True, "mobile": True}, "RFA15B"),
    ({"status": "pending", "hint_code": "userSign", "same_device": False}, "RFA9"),
    ({"status": "pending", "hint_code": "userMrtd", "same_device": False}, "RFA23"),
    ({"status": "pending", "hint_code": "userCallConfirm", "same_device": False}, "RFA21"),
    ({"status": "pending", "hint_code": "somethingNew", "same_device": False}, "RFA21"),
    ({"status": "pending", "hint_code": None, "same_device": False}, "RFA21"),
    ({"status": "failed", "hint_code": "expiredTransaction", "same_device": False}, "RFA8"),
    ({"status": "failed", "hint_code": "certificateErr", "same_device": False}, "RFA16"),
    ({"status": "failed", "hint_code": "userCancel", "same_device": False}, "RFA6"),
    ({"status": "failed", "hint_code": "cancelled", "same_device": False}, "RFA3"),
    ({"status": "failed", "hint_code": "startFailed", "same_device": True}, "RFA17A"),
    ({"status": "failed", "hint_code": "startFailed", "same_device": False}, "RFA17B"),
    ({"status": "failed", "hint_code": "transactionRiskBlocked", "same_device": False}, "RFA22"),
    ({"status": "failed", "hint_code": "somethingNew", "same_device": False}, "RFA22"),
    ({"hint_code": "userCancel", "same_device": False}, "RFA6"),
    ({"error_code": "alreadyInProgress", "same_device": False}, "RFA4"),
    ({"error_code": "requestTimeout", "same_device": False}, "RFA5"),
    ({"error_code": "tooManyRequests", "same_device": False}, "RFA5"),
    ({"error_code": "internalError", "same_device": False}, "RFA5"),
    ({"error_code": "Maintenance", "same_device": True}, "RFA5"),
    ({"error_code": "invalidParameters", "same_device": False}, "RFA22"),
    ({"error_code": "unauthorized", "same_device": False}, "RFA22"),
    ({"error_code": "notFound", "same_device": False}, "RFA22"),
    ({"error_code": "methodNotAllowed", "same_device": False}, "RFA22"),
    ({"error_code": "unsupportedMediaType", "same_device": False}, "RFA22"),
    ({"error_code": "brandNew", "same_device": False}, "RFA22"),
]


def test_the_table_matches_the_reference():
    assert {rfa: texts["sv"] for rfa, texts in RFA.items()} == SV
    assert {rfa: texts["en"] for rfa, texts in RFA.items()} == EN


@pytest.mark.parametrize("kwargs,rfa", CASES)
def test_message_for(kwargs, rfa):
    with translation.override("sv"):
        assert message_for(**kwargs) == (rfa, SV[rfa])
    with translation.override("en"):
        assert message_for(**kwargs) == (rfa, EN[rfa])
    with translation.override("en-gb"):
        assert message_for(**kwargs) == (rfa, EN[rfa])


def test_complete_has_no_message():
    assert message_for(status="complete", same_device=False) == ("", "")


def test_qr_content_follows_the_reference():
    import hashlib
    import hmac

    secret = "d28db9a7-4cde-429e-a983-359be676944c"
    expected = hmac.new(secret.encode(), b"7", hashlib.sha256).hexdigest()
    assert qr_auth_code(secret, 7) == expected
    assert qr_content("67df3917-fa0d-44e5-b327-edcc928297f8", secret, 7) == (
        f"bankid.67df3917-fa0d-44e5-b327-edcc928297f8.7.{expected}"
    )
    assert qr_content("t", secret, 0) != qr_content("t", secret, 1)


def test_qr_svg_is_inline_and_labelled():
    svg = qr_svg(qr_content("token", "secret", 3))
    assert svg.startswith("<svg ")
    assert 'role="img"' in svg and 'aria-label="QR-kod för BankID"' in svg
    assert "<title>QR-kod för BankID</title>" in svg
    assert "<?xml" not in svg and "<script" not in svg
    assert re.search(r'viewBox="0 0 \d+ \d+"', svg)


def test_autostart_url():
    token = "46f6a2e0-b7f8-4a4d-a1a4-3e4fa4a8b9c0"
    assert autostart_url(token) == f"bankid:///?autostarttoken={token}&redirect=null"
    assert autostart_url(token, mobile=True) == (
        f"https://app.bankid.com/?autostarttoken={token}&redirect=null"
    )
    assert autostart_url(token, return_url="https://e.example/tillbaka?nonce=a b") == (
        f"bankid:///?autostarttoken={token}"
        "&redirect=https%3A%2F%2Fe.example%2Ftillbaka%3Fnonce%3Da%20b"
    )
