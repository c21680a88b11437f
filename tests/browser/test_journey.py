"""The resident's whole journey in a real browser: catalogue, intro, steps
with a live condition and a real file upload, review and change, Skicka,
receipt, PDF and the confirmation e-mail."""

import re
import struct
import zlib

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from etjanst.cases.models import Case

pytestmark = pytest.mark.browser

PERSONNUMMER = re.compile(r"\b(?:19|20)?\d{6}[-+]?\d{4}\b")


def png_bytes(width: int = 4, height: int = 4) -> bytes:
    """A real, small PNG image (a grey square)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_resident_reports_a_broken_street_light(site, demo, mailbox, run_tasks):
    page = site.page

    # The catalogue and the intro page.
    site.visit("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("E-tjänster hos")
    with site.navigation():
        page.get_by_role("link", name="Felanmälan gata och park").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Felanmälan gata och park")
    with site.navigation():
        page.get_by_role("button", name="Starta").click()

    # Step 1: the condition shows the pole number as soon as it applies.
    expect(page.get_by_text("Steg 1 av 2")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vad är det för fel?")
    pole = page.get_by_label("Stolpens nummer")
    expect(pole).to_be_hidden()
    page.get_by_label("Trasig gatubelysning").check()
    expect(pole).to_be_visible()
    # Screen readers hear that a question appeared.
    expect(page.locator("#live-region")).to_have_text(
        "En ny fråga visas: Stolpens nummer (frivillig)"
    )
    expect(pole).to_be_enabled()
    site.scan()  # the page as it is with the condition shown
    page.get_by_label("Hål eller skada i vägen").check()
    expect(pole).to_be_hidden()
    page.get_by_label("Trasig gatubelysning").check()
    pole.fill("B-117")
    page.get_by_label("Beskriv felet").fill("Lampan i stolpen lyser inte sedan i söndags.")
    page.get_by_label("Var finns felet?").fill("Storgatan 12, vid busshållplatsen")
    page.get_by_label("Bild på felet").set_input_files(
        {"name": "lampan.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()

    # Step 2: yes to contact shows name, e-mail and phone.
    expect(page.get_by_text("Steg 2 av 2")).to_be_visible()
    name = page.get_by_label("Namn", exact=True)
    expect(name).to_be_hidden()
    page.get_by_label("Ja", exact=True).check()
    expect(name).to_be_visible()
    site.scan()
    name.fill("Anna Andersson")
    page.get_by_label("E-postadress").fill("anna@example.se")
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()

    # Review, change an answer, review again.
    expect(page.get_by_role("heading", level=1)).to_have_text("Granska och skicka")
    main = page.locator("main")
    expect(main).to_contain_text("Storgatan 12, vid busshållplatsen")
    expect(main).to_contain_text("B-117")
    expect(main).to_contain_text("lampan.png")
    expect(main).to_contain_text("anna@example.se")
    with site.navigation():
        page.get_by_role("link", name="Ändra Vad är det för fel?").click()
    place = page.get_by_label("Var finns felet?")
    expect(place).to_have_value("Storgatan 12, vid busshållplatsen")
    expect(pole).to_have_value("B-117")
    expect(page.get_by_role("link", name="lampan.png")).to_be_visible()  # still attached
    place.fill("Storgatan 14, mitt emot skolan")
    with site.navigation():
        page.get_by_role("button", name="Gå vidare till granskning").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Granska och skicka")
    expect(main).to_contain_text("Storgatan 14, mitt emot skolan")
    expect(main).not_to_contain_text("Storgatan 12")

    # Skicka: the receipt.
    with site.navigation():
        page.get_by_role("button", name="Skicka").click()
    success = page.locator(".success-box")
    expect(success).to_be_visible()
    expect(success.get_by_role("heading", level=1)).to_have_text("Ditt ärende är nu inskickat")
    year = timezone.localdate().year
    expect(success).to_contain_text(re.compile(rf"TN {year}/\d{{4}}"))
    registration_number = success.locator("strong").inner_text()
    case = Case.objects.latest("pk")
    assert case.registration_number == registration_number
    assert case.answers["plats"] == "Storgatan 14, mitt emot skolan"
    assert case.answers["stolpnummer"] == "B-117"
    assert case.attachments.count() == 1
    expect(main).to_contain_text("Storgatan 14, mitt emot skolan")

    # The PDF receipt.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner kvitto (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # The confirmation e-mail, through the real worker and a real SMTP server.
    run_tasks()
    # (The demo's own case for Mina sidor has mail of its own, to another address.)
    messages = [m for m in mailbox.wait_for(3) if m["To"] == "anna@example.se"]
    assert len(messages) == 1
    message = messages[0]
    assert registration_number in message["Subject"]
    text = message.as_string()
    assert not PERSONNUMMER.search(text), "the confirmation e-mail holds a personnummer"
