"""Personnummer (and samordningsnummer) in one place: parsed and checked with
the `personnummer` package, stored as 12 digits, shown masked in lists.

Accepted input: YYYYMMDD-NNNN, YYYYMMDDNNNN, YYMMDD-NNNN, YYMMDDNNNN, and
YYMMDD+NNNN for people aged 100 or more. Spaces are ignored."""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from personnummer import personnummer

_SHAPE = re.compile(r"(\d{2})?(\d{6})([-+]?)(\d{4})")


class InvalidPersonnummer(ValueError):
    """The text is not a valid personnummer; `message` says why, in Swedish."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def parse(value: str, *, allow_samordningsnummer: bool = False) -> str:
    """The personnummer as 12 digits (YYYYMMDDNNNN), or InvalidPersonnummer
    with a clear message: wrong length, a date that does not exist, a wrong
    check digit, or a samordningsnummer where none is allowed."""
    compact = re.sub(r"\s", "", value or "")
    match = _SHAPE.fullmatch(compact)
    if not match:
        raise InvalidPersonnummer(
            _("Skriv personnumret med 10 eller 12 siffror, till exempel ÅÅÅÅMMDD-NNNN.")
        )
    century, date_part, separator, _last = match.groups()
    if century and separator == "+":
        raise InvalidPersonnummer(
            _("Använd + bara med 10 siffror (ÅÅMMDD+NNNN), för den som fyllt 100 år.")
        )
    month, day = int(date_part[2:4]), int(date_part[4:6])
    samordning = day >= 60
    if samordning and not allow_samordningsnummer:
        raise InvalidPersonnummer(
            _("Det här är ett samordningsnummer. Här behövs ett personnummer.")
        )
    if samordning and (month == 0 or day == 60):
        # A samordningsnummer for someone whose birth month or day is not
        # known has 00 as month or 60 as day; the package does not know them.
        return _incomplete_date_samordningsnummer(century, date_part, separator, _last)
    if not century:
        century = _century(date_part, separator, timezone.localdate())
    full = f"{century}{date_part}{_last}"
    try:
        # Always the 12-digit form: the package guesses the century of a short
        # number from the year alone, which refuses a 99-year-old born later
        # in the year than today (261223-9232 on 2026-12-06 became 2026-12-23).
        number = personnummer.parse(full)
    except personnummer.PersonnummerException:
        number = None
    if number is None:
        if not 1 <= month <= 12 or not _day_exists(full, samordning):
            raise InvalidPersonnummer(
                _("Datumet i personnumret finns inte. Kontrollera år, månad och dag.")
            )
        raise InvalidPersonnummer(
            _("Personnumret stämmer inte: kontrollsiffran (den sista siffran) är fel.")
        )
    if number.get_date() > timezone.localdate():
        raise InvalidPersonnummer(
            _("Datumet i personnumret har inte inträffat än. Kontrollera året.")
        )
    return number.format(True)


def _incomplete_date_samordningsnummer(
    century: str | None, date_part: str, separator: str, last: str
) -> str:
    if not 1 <= int(date_part[2:4]) <= 12 and date_part[2:4] != "00":
        raise InvalidPersonnummer(
            _("Datumet i personnumret finns inte. Kontrollera år, månad och dag.")
        )
    if int(date_part[4:6]) > 91:
        raise InvalidPersonnummer(
            _("Datumet i personnumret finns inte. Kontrollera år, månad och dag.")
        )
    if _luhn(date_part + last[:3]) != int(last[3]):
        raise InvalidPersonnummer(
            _("Personnumret stämmer inte: kontrollsiffran (den sista siffran) är fel.")
        )
    if not century:
        century = _century(date_part, separator, timezone.localdate())
    return f"{century}{date_part}{last}"


def _century(date_part: str, separator: str, today: datetime.date) -> str:
    """The century of a short number (YYMMDD): without a sign or with "-" the
    one that puts the birth date in the past and the age under 100; with "+"
    a hundred years earlier (100 or older). Skatteverket's rule: the sign
    tells the age, so the whole birth date counts, not the year alone."""
    year = today.year - (today.year - int(date_part[:2])) % 100
    month, day = int(date_part[2:4]), int(date_part[4:6])
    if day >= 60:
        day -= 60
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    if separator == "+":
        year -= 100
    return f"{year // 100:02d}"


def _luhn(digits: str) -> int:
    total = 0
    for i, digit in enumerate(digits):
        product = int(digit) * (2 - i % 2)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _day_exists(full: str, samordning: bool) -> bool:
    year, month, day = int(full[:4]), int(full[4:6]), int(full[6:8])
    if samordning:
        day -= 60
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def is_valid(value: str, *, allow_samordningsnummer: bool = False) -> bool:
    try:
        parse(value, allow_samordningsnummer=allow_samordningsnummer)
    except InvalidPersonnummer:
        return False
    return True


def is_samordningsnummer(canonical: str) -> bool:
    return len(canonical) == 12 and int(canonical[6:8]) >= 60


def display(canonical: str) -> str:
    """YYYYMMDD-NNNN, for the person themselves (review page, receipt)."""
    return f"{canonical[:8]}-{canonical[8:]}" if len(canonical) == 12 else canonical


def mask(canonical: str) -> str:
    """YYYYMMDD-XXXX: how a personnummer is shown in lists."""
    digits = re.sub(r"\D", "", canonical or "")
    if len(digits) != 12:
        return "XXXXXXXX-XXXX"
    return f"{digits[:8]}-XXXX"


def age(canonical: str, today: datetime.date | None = None) -> int:
    """Whole years since the birth date in a 12-digit personnummer (a
    samordningsnummer's day is 60 more)."""
    today = today or timezone.localdate()
    day = int(canonical[6:8])
    born = datetime.date(int(canonical[:4]), int(canonical[4:6]), day - 60 if day > 60 else day)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
