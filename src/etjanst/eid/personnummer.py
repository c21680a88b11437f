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
    try:
        number = personnummer.parse(compact)
    except personnummer.PersonnummerException:
        number = None
    if number is None:
        if not 1 <= month <= 12 or not _day_exists(compact, century, samordning):
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
        today = timezone.localdate().year
        base = today - 100 if separator == "+" else today
        century = str((base - (base - int(date_part[:2])) % 100) // 100)
    return f"{century}{date_part}{last}"


def _luhn(digits: str) -> int:
    total = 0
    for i, digit in enumerate(digits):
        product = int(digit) * (2 - i % 2)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _day_exists(compact: str, century: str | None, samordning: bool) -> bool:
    digits = compact.replace("-", "").replace("+", "")
    year = int(digits[:4]) if century else 2000 + int(digits[:2])
    offset = 2 if century else 0
    month, day = int(digits[offset + 2 : offset + 4]), int(digits[offset + 4 : offset + 6])
    if samordning:
        day -= 60
    try:
        datetime.date(year, month, day)
    except ValueError:
        # A 29 February only exists in leap years: try the other century too.
        if century or (month, day) != (2, 29):
            return False
        return _leap(1900 + int(digits[:2]))
    return True


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


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
