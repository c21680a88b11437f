"""Working days in Sweden: weekends and public holidays (and the eves the
municipality's offices keep closed) are not working days. For the clock on
requests for public documents."""

from datetime import date, datetime, timedelta
from functools import cache

from django.utils import timezone


def _easter(year: int) -> date:
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month = (h + m - 7 * n + 114) // 31
    day = (h + m - 7 * n + 114) % 31 + 1
    return date(year, month, day)


def _saturday_between(year: int, month: int, first: int, last: int) -> date:
    return next(
        date(year, month, d) for d in range(first, last + 1) if date(year, month, d).weekday() == 5
    )


@cache
def holidays(year: int) -> frozenset[date]:
    """Public holidays (lag 1989:253) and the de facto closed eves."""
    easter = _easter(year)
    midsummer_day = _saturday_between(year, 6, 20, 26)
    all_saints = (
        _saturday_between(year, 10, 31, 31)
        if date(year, 10, 31).weekday() == 5
        else _saturday_between(year, 11, 1, 6)
    )
    return frozenset(
        {
            date(year, 1, 1),
            date(year, 1, 6),
            easter - timedelta(days=2),  # långfredagen
            easter,
            easter + timedelta(days=1),  # annandag påsk
            date(year, 5, 1),
            easter + timedelta(days=39),  # Kristi himmelsfärds dag
            easter + timedelta(days=49),  # pingstdagen
            date(year, 6, 6),
            midsummer_day - timedelta(days=1),  # midsommarafton
            midsummer_day,
            all_saints,
            date(year, 12, 24),
            date(year, 12, 25),
            date(year, 12, 26),
            date(year, 12, 31),
        }
    )


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def working_days_waited(since: datetime, now: datetime | None = None) -> int:
    """Whole working days after the day `since` up to and including today."""
    start = timezone.localtime(since).date()
    today = timezone.localtime(now or timezone.now()).date()
    count, day = 0, start + timedelta(days=1)
    while day <= today:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count


def is_overdue(since: datetime, now: datetime | None = None) -> bool:
    """More than one working day has passed (the norm is the same day)."""
    now = now or timezone.now()
    waited = working_days_waited(since, now)
    if waited != 1:
        return waited > 1
    return timezone.localtime(now).time() >= timezone.localtime(since).time()
