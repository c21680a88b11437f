"""Personnummer through etjanst.eid.personnummer: every test number from
Skatteverket (shared/data/testpersonnummer.json, copied next to the Navet
simulator) is accepted in every form residents write, and stored as 12
digits; near misses are refused with a clear Swedish message."""

import datetime
import json
from pathlib import Path

import pytest
from django.template import Context, Template

from etjanst.eid import personnummer as pnr
from etjanst.simulators.navet.server import DATA_FILE

DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))
SHARED = Path("/work/shared/data/testpersonnummer.json")
NUMBERS = DATA["personnummer"]
SAMORDNING = DATA["samordningsnummer"]

LENGTH = "Skriv personnumret med 10 eller 12 siffror"
CHECK_DIGIT = "kontrollsiffran (den sista siffran) är fel"
DATE = "Datumet i personnumret finns inte"


def age(number: str) -> int:
    # A samordningsnummer may have 00 as month or 60 as day (not known).
    day = max(int(number[6:8]) - 60, 1) if int(number[6:8]) >= 60 else int(number[6:8])
    born = datetime.date(int(number[:4]), max(int(number[4:6]), 1), day)
    today = datetime.date.today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def written_forms(number: str) -> list[str]:
    """Every way a resident may write it: 12 digits with and without a dash,
    10 digits with - (or + at 100 or more), and 10 digits without a sign
    (only under 100: without a sign, YYMMDD means the last hundred years)."""
    short = number[2:8]
    sign = "+" if age(number) >= 100 else "-"
    forms = [f"{number[:8]}-{number[8:]}", number, f"{short}{sign}{number[8:]}"]
    if sign == "-":
        forms.append(f"{short}{number[8:]}")
    return forms


def message(value: str, **options) -> str:
    with pytest.raises(pnr.InvalidPersonnummer) as caught:
        pnr.parse(value, **options)
    return caught.value.message


def with_check_digit(first_nine_after_century: str, century: str) -> str:
    """A number with a correct Luhn check digit (to test dates on their own)."""
    total = 0
    for i, digit in enumerate(first_nine_after_century):
        product = int(digit) * (2 - i % 2)
        total += product // 10 + product % 10
    return f"{century}{first_nine_after_century}{(10 - total % 10) % 10}"


def test_the_copy_is_skatteverkets_list():
    assert len(NUMBERS) == 400 and len(SAMORDNING) == 40
    if SHARED.exists():
        assert json.loads(SHARED.read_text(encoding="utf-8")) == DATA


@pytest.mark.parametrize("number", NUMBERS)
def test_every_test_personnummer_is_valid_in_every_form(number):
    for written in written_forms(number):
        assert pnr.parse(written) == number, written
        assert pnr.parse(f" {written} ") == number


@pytest.mark.parametrize("number", SAMORDNING)
def test_samordningsnummer_only_where_the_eservice_allows_them(number):
    for written in written_forms(number):
        assert pnr.parse(written, allow_samordningsnummer=True) == number, written
        assert "samordningsnummer" in message(written)
    assert pnr.is_samordningsnummer(number)


@pytest.mark.parametrize("number", NUMBERS + SAMORDNING)
def test_a_check_digit_off_by_one_is_refused(number):
    for delta in (1, -1):
        wrong = number[:-1] + str((int(number[-1]) + delta) % 10)
        for written in (wrong, f"{wrong[:8]}-{wrong[8:]}", f"{wrong[2:8]}-{wrong[8:]}"):
            if age(number) >= 100 and written.count("-") and len(written) == 11:
                written = written.replace("-", "+")
            assert message(written, allow_samordningsnummer=True) == (
                "Personnumret stämmer inte: " + CHECK_DIGIT + "."
            )


@pytest.mark.parametrize(
    "date",
    ["811308", "810230", "810732", "810000", "810500", "230229", "810431"],
)
def test_impossible_dates_are_refused(date):
    number = with_check_digit(date + "239", "19")
    assert DATE in message(number)
    assert DATE in message(f"{number[:8]}-{number[8:]}")
    assert DATE in message(f"{number[2:8]}-{number[8:]}")


def test_a_leap_day_exists_only_in_leap_years():
    assert pnr.parse(with_check_digit("000229239", "20")) == with_check_digit("000229239", "20")
    assert DATE in message(with_check_digit("010229239", "20"))


def test_a_birth_date_in_the_future_is_refused():
    future = datetime.date.today() + datetime.timedelta(days=400)
    number = with_check_digit(future.strftime("%y%m%d") + "239", future.strftime("%Y")[:2])
    assert "inte inträffat" in message(number)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "19810508239",
        "1981050823931",
        "810508-239",
        "8105082393-",
        "19810508--2393",
        "1981-05-08-2393",
        "ÅÅÅÅMMDD-NNNN",
        "19810508_2393",
    ],
)
def test_wrong_lengths_and_shapes_are_refused(value):
    assert LENGTH in message(value)


def test_twelve_digits_cut_to_ten_are_read_as_yymmddnnnn_and_refused():
    assert DATE in message("1981050823")  # 19-81-05…: no month 81


def test_a_plus_belongs_only_to_the_ten_digit_form():
    assert "Använd + bara" in message("19810508+2393")


def test_masked_in_lists_by_one_helper_and_one_filter():
    assert pnr.mask("198105082393") == "19810508-XXXX"
    assert pnr.mask("19810508-2393") == "19810508-XXXX"
    assert pnr.mask("nonsense") == "XXXXXXXX-XXXX"
    template = Template("{% load personnummer_tags %}{{ number|masked_personnummer }}")
    assert template.render(Context({"number": "198105082393"})) == "19810508-XXXX"
    assert pnr.display("198105082393") == "19810508-2393"


def test_a_personnummer_that_slips_into_a_log_line_is_masked():
    import io
    import logging

    from etjanst.eid.log_redaction import RedactPersonnummer

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactPersonnummer())
    logger = logging.getLogger("etjanst.test.redaction")
    logger.addHandler(handler)
    try:
        logger.warning("Lookup failed for %s and 810508-2393", "198105082393")
        logger.warning("Order 1234567890 and case KS 2026/0042 stay as they are")
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "Lookup failed for 19810508-XXXX and 19810508-XXXX"
    assert lines[1] == "Order 1234567890 and case KS 2026/0042 stay as they are"
