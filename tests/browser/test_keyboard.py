"""A resident who uses only the keyboard: Tab, arrow keys, Space, Enter and
typing, no clicks, from the catalogue to the receipt."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from etjanst.cases.models import Case

pytestmark = pytest.mark.browser

MAX_TABS = 40

FOCUS_DESCRIPTION = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "(nothing)";
    const label = el.labels && el.labels.length ? el.labels[0].innerText : el.innerText;
    return `<${el.tagName.toLowerCase()}> ${(label || el.name || "").trim().slice(0, 60)}`;
}"""

# WCAG 2.4.7: whatever has keyboard focus shows it.
FOCUS_IS_VISIBLE = """(el) => {
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return outline || style.boxShadow !== "none";
}"""


def has_focus(locator: Locator) -> bool:
    return locator.evaluate("(el) => el === document.activeElement")


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has focus, as a keyboard user would."""
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUS_DESCRIPTION))
        if has_focus(target):
            assert target.evaluate(FOCUS_IS_VISIBLE), f"no visible focus on {seen[-1]}"
            return
    pytest.fail(f"Tab never reached {target}; focus went: {' → '.join(seen)}", pytrace=False)


def test_keyboard_only_from_catalogue_to_receipt(site, demo):
    page = site.page
    keyboard = page.keyboard
    site.visit("/")

    # The first Tab reaches the skip link, and it shows.
    keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Gå till huvudinnehållet")
    assert has_focus(skip_link)
    expect(skip_link).to_be_in_viewport()

    tab_to(page, page.get_by_role("link", name="Felanmälan gata och park"))
    with site.navigation():
        keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Starta"))
    with site.navigation():
        keyboard.press("Enter")

    # Step 1: the radio group is one Tab stop; arrow keys choose.
    expect(page.get_by_text("Steg 1 av 2")).to_be_visible()
    tab_to(page, page.get_by_label("Hål eller skada i vägen"))
    keyboard.press("ArrowDown")
    expect(page.get_by_label("Trasig gatubelysning")).to_be_checked()
    pole = page.get_by_label("Stolpens nummer")
    expect(pole).to_be_visible()
    keyboard.press("Tab")  # the question that just appeared is next
    assert has_focus(pole)
    keyboard.type("C-4")
    keyboard.press("Tab")
    assert has_focus(page.get_by_label("Beskriv felet"))
    keyboard.type("Lampan blinkar hela natten.")
    keyboard.press("Tab")
    assert has_focus(page.get_by_label("Var finns felet?"))
    keyboard.type("Parkvägen 3")
    tab_to(page, page.get_by_role("button", name="Nästa"))
    with site.navigation():
        keyboard.press("Enter")

    # Step 2: Space chooses "Ja"; the contact details appear after it.
    expect(page.get_by_text("Steg 2 av 2")).to_be_visible()
    tab_to(page, page.get_by_label("Ja", exact=True))
    keyboard.press("Space")
    expect(page.get_by_label("Ja", exact=True)).to_be_checked()
    keyboard.press("Tab")
    assert has_focus(page.get_by_label("Namn", exact=True))
    keyboard.type("Bo Berg")
    keyboard.press("Tab")
    assert has_focus(page.get_by_label("E-postadress"))
    keyboard.type("bo@example.se")
    with site.navigation():
        keyboard.press("Enter")  # Enter in a field goes on, like the Nästa button

    # Review and send.
    expect(page.get_by_role("heading", level=1)).to_have_text("Granska och skicka")
    expect(page.locator("main")).to_contain_text("Parkvägen 3")
    tab_to(page, page.get_by_role("button", name="Skicka"))
    with site.navigation():
        keyboard.press("Enter")

    expect(page.locator(".success-box")).to_contain_text("Ditt ärende är nu inskickat")
    expect(page.locator(".success-box")).to_contain_text(re.compile(r"TN \d{4}/\d{4}"))
    case = Case.objects.latest("pk")
    assert case.answers["stolpnummer"] == "C-4"
    assert case.answers["kontaktuppgifter"] == {"name": "Bo Berg", "email": "bo@example.se"}
    # The receipt's download link is reachable too.
    tab_to(page, page.get_by_role("link", name="Ladda ner kvitto (PDF)"))
