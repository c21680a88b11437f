"""The English translation: a complete catalogue, a compiled .mo that matches
it, and the language switch on real pages."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import csrf_token_from
from tests.eservices.factories import EServiceFactory

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sd]|\{[^{}]*\}")


def _unquote(literal: str) -> str:
    # A PO string literal uses C escapes, which a Python literal also reads.
    return ast.literal_eval(literal)


def parse_po(text: str) -> list[dict]:
    """A tiny PO reader: each entry with its flags and strings."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        if all(line.startswith("#~") for line in lines if not line.startswith("# ")):
            continue  # obsolete entries are not shipped
        entry: dict = {"flags": set(), "fields": {}}
        field = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif match := KEYWORD.match(line):
                field = match.group(1)
                entry["fields"][field] = _unquote(match.group(2))
            elif line.startswith('"') and field:
                entry["fields"][field] += _unquote(line)
            else:
                raise AssertionError(f"unexpected line in {PO_FILE.name}: {line!r}")
        entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def entries():
    parsed = parse_po(PO_FILE.read_text(encoding="utf-8"))
    header = [e for e in parsed if e["fields"].get("msgid") == ""]
    assert len(header) == 1, "the catalogue has no header"
    assert "Language: en" in header[0]["fields"]["msgstr"]
    assert "fuzzy" not in header[0]["flags"]
    return [e for e in parsed if e["fields"].get("msgid")]


def _translations(entry) -> list[str]:
    return [value for key, value in entry["fields"].items() if key.startswith("msgstr")]


def test_the_parser_sees_untranslated_and_fuzzy_entries():
    """The checks below would pass on an empty list: make sure they can fail."""
    sample = (
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "Hej %(namn)s"\nmsgstr "Hello %(namn)s"\n\n'
        'msgid ""\n"Två "\n"rader"\nmsgstr ""\n\n'
        '#~ msgid "Gammal"\n#~ msgstr "Old"\n'
    )
    parsed = parse_po(sample)
    assert len(parsed) == 3
    assert "fuzzy" in parsed[1]["flags"]
    assert parsed[2]["fields"] == {"msgid": "Två rader", "msgstr": ""}


def test_the_catalogue_is_complete(entries):
    assert len(entries) > 150, "the catalogue looks truncated"
    untranslated = [e["fields"]["msgid"] for e in entries if not all(_translations(e))]
    fuzzy = [e["fields"]["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_plural_entries_have_both_forms(entries):
    plurals = [e for e in entries if "msgid_plural" in e["fields"]]
    assert plurals, "expected plural entries (ngettext / blocktranslate count)"
    for entry in plurals:
        forms = {key for key in entry["fields"] if key.startswith("msgstr")}
        assert forms == {"msgstr[0]", "msgstr[1]"}, entry["fields"]["msgid"]
        assert entry["fields"]["msgstr[0]"] != entry["fields"]["msgstr[1]"]


def test_translations_keep_placeholders_and_markup(entries):
    for entry in entries:
        fields = entry["fields"]
        sources = [fields["msgid"], fields.get("msgid_plural", fields["msgid"])]
        placeholders = set()
        for source in sources:
            placeholders |= set(PLACEHOLDER.findall(source))
        for key, translation in fields.items():
            if not key.startswith("msgstr"):
                continue
            source = sources[1] if key == "msgstr[1]" else sources[0]
            # The singular may leave out the count ("one file" for "%(n)s files").
            expected = set(PLACEHOLDER.findall(source))
            assert set(PLACEHOLDER.findall(translation)) <= placeholders, translation
            assert expected <= set(PLACEHOLDER.findall(translation)), translation
            assert re.findall(r"<[^>]+>", translation) == re.findall(r"<[^>]+>", source)
            assert translation != fields["msgid"] or translation in {"English", "version"}


def test_the_compiled_catalogue_matches_the_po_file(entries):
    """The committed .mo is what Django reads; it must not lag behind the .po."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in entries:
        fields = entry["fields"]
        if "msgid_plural" in fields:
            assert (
                compiled.ngettext(fields["msgid"], fields["msgid_plural"], 1)
                == (fields["msgstr[0]"])
            )
            assert (
                compiled.ngettext(fields["msgid"], fields["msgid_plural"], 5)
                == (fields["msgstr[1]"])
            )
        else:
            assert compiled.gettext(fields["msgid"]) == fields["msgstr"], fields["msgid"]


def switch_language(client: Client, language: str, next_url: str = "/") -> None:
    token = csrf_token_from(client.get(next_url))
    response = client.post(
        reverse("set_language"),
        {"language": language, "next": next_url, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert response["Location"] == next_url


def test_language_switch_to_english_and_back():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/").content.decode()
    assert '<html lang="sv">' in page
    assert "Tillgänglighetsredogörelse" in page
    assert 'name="language" value="en"' in page

    switch_language(client, "en")
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Accessibility statement" in page
    assert "How we process personal data" in page
    assert "Skip to main content" in page
    assert "E-services at" in page
    assert "Tillgänglighetsredogörelse" not in page
    assert 'name="language" value="sv"' in page

    switch_language(client, "sv")
    page = client.get("/").content.decode()
    assert '<html lang="sv">' in page
    assert "Tillgänglighetsredogörelse" in page
    assert "Accessibility statement" not in page


def test_english_plural_in_search_results():
    EServiceFactory(name="Anmäl fel på gatubelysning")
    client = Client()
    switch_language(client, "en")
    page = client.get("/", {"q": "gatubelysning"}).content.decode()
    assert "1 e-service matches “gatubelysning”." in page
    page = client.get("/", {"q": "finns-inte"}).content.decode()
    assert "0 e-services match “finns-inte”." in page


def test_validation_messages_from_python_are_translated():
    eservice = EServiceFactory()
    client = Client()
    switch_language(client, "en")
    client.post(reverse("portal:start", args=[eservice.slug]))
    step = reverse("portal:step", args=[eservice.slug, 1])
    page = client.post(step, {"q_rubrik": "", "shown": ["rubrik", "epost"]}).content.decode()
    assert "There are errors in the form" in page
    assert "Fill in “Rubrik”." in page
    assert "Step 1 of 1" in page
    assert "Fyll i" not in page


def test_404_page_in_english():
    client = Client()
    switch_language(client, "en")
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Page not found" in page
    assert "We cannot find the page you are looking for." in page
    assert "Go to all e-services" in page
    assert "Sidan finns inte" not in page


def test_404_page_in_swedish_by_default():
    response = Client().get("/finns-inte/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="sv">' in page
    assert "Sidan finns inte" in page
    assert "Page not found" not in page
