"""The century of a short personnummer (YYMMDD-NNNN) follows the age, not
the year: "-" (or no sign) means under 100, "+" means 100 or older. Checked
for Skatteverket's test numbers on the days around each one's 100th
birthday, with the clock frozen."""

import datetime
import json

import pytest
from django.utils import timezone

from etjanst.eid import personnummer as pnr
from etjanst.simulators.navet.server import DATA_FILE

DATA = json.loads(DATA_FILE.read_text(encoding="utf-8"))
# The oldest test numbers (born before 1950) are the ones whose 100th
# birthdays lie close enough to test; every number is checked the same way.
OLDEST = [n for n in DATA["personnummer"] + DATA["samordningsnummer"] if n < "1950"]


def birth_date(number: str) -> datetime.date:
    day = int(number[6:8])
    return datetime.date(int(number[:4]), int(number[4:6]), day - 60 if day >= 60 else day)


def freeze(time_machine, day: datetime.date) -> None:
    time_machine.move_to(datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC))
    assert timezone.localdate() == day


def test_the_issue_example_99_years_old_on_2026_12_06(time_machine):
    freeze(time_machine, datetime.date(2026, 12, 6))
    # 1926-12-23: 99 years old, born later in the year than today.
    assert pnr.parse("261223-9232") == "192612239232"
    assert pnr.parse("2612239232") == "192612239232"
    assert pnr.parse("261223+9232") == "182612239232"


@pytest.mark.parametrize("number", OLDEST)
def test_the_sign_changes_on_the_100th_birthday(number, time_machine):
    born = birth_date(number)
    hundredth = born.replace(year=born.year + 100)
    short, last = number[2:8], number[8:]
    allow = {"allow_samordningsnummer": pnr.is_samordningsnummer(number)}

    freeze(time_machine, hundredth - datetime.timedelta(days=1))  # 99 years old
    assert pnr.parse(f"{short}-{last}", **allow) == number
    assert pnr.parse(f"{short}{last}", **allow) == number

    freeze(time_machine, hundredth)  # 100 years old today
    assert pnr.parse(f"{short}+{last}", **allow) == number
    # Written with "-" it is someone born a hundred years later: today.
    assert pnr.parse(f"{short}-{last}", **allow) == str(int(number[:2]) + 1) + number[2:]


@pytest.mark.parametrize("number", OLDEST)
def test_the_twelve_digit_form_does_not_depend_on_the_date(number, time_machine):
    born = birth_date(number)
    allow = {"allow_samordningsnummer": pnr.is_samordningsnummer(number)}
    for years in (0, 99, 100, 101):
        freeze(time_machine, born.replace(year=born.year + years))
        assert pnr.parse(number, **allow) == number
        assert pnr.parse(f"{number[:8]}-{number[8:]}", **allow) == number
