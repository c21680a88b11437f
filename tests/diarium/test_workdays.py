"""Swedish working days for the clock on requests."""

from datetime import date, datetime

from etjanst.diarium.workdays import holidays, is_overdue, is_working_day, working_days_waited


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_swedish_public_holidays_of_2026():
    days = holidays(2026)
    for day in [
        date(2026, 1, 1),
        date(2026, 1, 6),
        date(2026, 4, 3),  # långfredagen
        date(2026, 4, 6),  # annandag påsk
        date(2026, 5, 1),
        date(2026, 5, 14),  # Kristi himmelsfärds dag
        date(2026, 6, 6),
        date(2026, 6, 19),  # midsommarafton
        date(2026, 10, 31),  # alla helgons dag
        date(2026, 12, 24),
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2026, 12, 31),
    ]:
        assert day in days, day
    assert not is_working_day(date(2026, 4, 3))
    assert not is_working_day(date(2026, 11, 28))  # a Saturday
    assert is_working_day(date(2026, 11, 27))


def test_the_weekend_does_not_count():
    friday = at("2026-11-27T10:00:00+01:00")
    assert working_days_waited(friday, at("2026-11-29T18:00:00+01:00")) == 0
    assert working_days_waited(friday, at("2026-11-30T09:00:00+01:00")) == 1
    assert not is_overdue(friday, at("2026-11-30T09:59:00+01:00"))
    assert is_overdue(friday, at("2026-11-30T10:00:00+01:00"))
    assert is_overdue(friday, at("2026-12-01T08:00:00+01:00"))


def test_easter_falls_right():
    assert date(2027, 3, 26) in holidays(2027)  # långfredagen 2027
    assert date(2027, 3, 29) in holidays(2027)  # annandag påsk 2027
