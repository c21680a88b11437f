"""Staff login: the audit of every attempt, and the lockout after repeated
failures, counted in the database (so it holds across web processes).

Two limits, so that an attacker can neither lock an officer out nor spray
passwords (issue 23, item 22):

- a username is locked *at one address* after ETJANST_STAFF_LOCKOUT_ATTEMPTS
  failures from there: someone failing from elsewhere does not lock the
  officer out of their own address;
- an address is refused for a while after failures for
  ETJANST_STAFF_ADDRESS_USERNAMES different usernames, or
  ETJANST_STAFF_ADDRESS_ATTEMPTS failures in all (password spraying);
- a username failing ETJANST_STAFF_ACCOUNT_ATTEMPTS times from anywhere
  (guessing from many addresses) is locked, except from addresses where it
  logged in successfully in the last 90 days: the officer's own computer.

Why not django-axes: it counts failures of `authenticate()` in a table of
its own, while our login has two steps (password, then one-time code, both
counted) shared with the admin, and we keep every attempt anyway
(StaffLogin, the security log staff see in the admin). Counting the rows we
must keep gives the same rules with no second record of the same facts to
keep in step, no middleware and no authentication backend."""

import logging
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.utils import timezone

from .models import StaffLogin

logger = logging.getLogger("etjanst.security")
FAILURES = [StaffLogin.Outcome.BAD_PASSWORD, StaffLogin.Outcome.BAD_CODE]


KNOWN_ADDRESS_DAYS = 90


class Lock(Enum):
    ACCOUNT = StaffLogin.Outcome.LOCKED  # this username, from this address
    ADDRESS = StaffLogin.Outcome.ADDRESS_LOCKED  # anything from this address


def _clean(username: str) -> str:
    return username.strip().lower()[:150]


def lock_for(username: str, ip_address: str | None) -> Lock | None:
    """Whether a login for this username from this address is refused now."""
    username = _clean(username)
    since = timezone.now() - timedelta(minutes=settings.ETJANST_STAFF_LOCKOUT_MINUTES)
    from_address = StaffLogin.objects.filter(
        ip_address=ip_address or None, outcome__in=FAILURES, at__gt=since
    )
    last_success = (
        StaffLogin.objects.filter(
            username=username, ip_address=ip_address or None, outcome=StaffLogin.Outcome.SUCCESS
        )
        .values_list("at", flat=True)
        .first()
    )
    pair_since = max(since, last_success) if last_success else since
    pair = from_address.filter(username=username, at__gt=pair_since)
    if pair.count() >= settings.ETJANST_STAFF_LOCKOUT_ATTEMPTS:
        return Lock.ACCOUNT
    usernames = from_address.values("username").distinct().count()
    if (
        usernames >= settings.ETJANST_STAFF_ADDRESS_USERNAMES
        or from_address.count() >= settings.ETJANST_STAFF_ADDRESS_ATTEMPTS
    ):
        return Lock.ADDRESS
    everywhere = StaffLogin.objects.filter(username=username, outcome__in=FAILURES, at__gt=since)
    if everywhere.count() >= settings.ETJANST_STAFF_ACCOUNT_ATTEMPTS:
        known = StaffLogin.objects.filter(
            username=username,
            ip_address=ip_address or None,
            outcome=StaffLogin.Outcome.SUCCESS,
            at__gt=timezone.now() - timedelta(days=KNOWN_ADDRESS_DAYS),
        )
        if not known.exists():
            return Lock.ACCOUNT
    return None


def is_locked(username: str, ip_address: str | None = None) -> bool:
    return lock_for(username, ip_address) is not None


def record(username: str, outcome: str, ip_address: str | None) -> None:
    username = _clean(username)
    StaffLogin.objects.create(username=username, outcome=outcome, ip_address=ip_address or None)
    if outcome != StaffLogin.Outcome.SUCCESS:
        # The address, not a personnummer: staff usernames and addresses are
        # what an operator needs to see an attack in the log.
        logger.warning("Staff login %s for user %s from %s", outcome, username, ip_address)
