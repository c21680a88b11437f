"""Custody relations from Navet: the adapter against the simulator over
HTTPS with mutual TLS, one test per family the issue names."""

import datetime

import pytest

from etjanst.eid.personnummer import age
from etjanst.prefill.contrib.navet.plugin import Navet
from tests.guardians.families import (
    APART,
    APART_CHILDREN,
    CHILD_OF_PROTECTED,
    ELSEWHERE_CHILD,
    ELSEWHERE_GUARDIANS,
    NO_CUSTODY,
    OTHER_OF_PROTECTED,
    PROTECTED_CHILD,
    PROTECTED_CHILD_GUARDIANS,
    PROTECTED_GUARDIAN,
    SOLE,
    SOLE_CHILD,
    STRANGER,
    TOGETHER,
    TOGETHER_CHILDREN,
)
from tests.prefill.conftest import navet, navet_simulator  # noqa: F401

pytestmark = pytest.mark.django_db


def fetch(personnummer):
    return Navet().fetch(personnummer)


def test_joint_custody_at_the_same_address(navet):  # noqa: F811
    record = fetch(TOGETHER[0])
    assert [c.personnummer for c in record.children] == list(TOGETHER_CHILDREN)
    child = record.children[0]
    assert child.details and not child.protected
    assert child.address == record.address and child.municipality == "9999"
    assert [g.personnummer for g in child.guardians] == list(TOGETHER)
    other = child.guardians[1]
    assert other.address == record.address and not other.protected


def test_joint_custody_at_different_addresses(navet):  # noqa: F811
    record = fetch(APART[1])  # the children live with the other guardian
    assert [c.personnummer for c in record.children] == list(APART_CHILDREN)
    child = record.children[0]
    assert child.address is not None and child.address != record.address
    assert child.guardians[0].address == child.address


def test_sole_custody(navet):  # noqa: F811
    (child,) = fetch(SOLE).children
    assert child.personnummer == SOLE_CHILD
    assert [g.personnummer for g in child.guardians] == [SOLE]


def test_a_protected_guardian_gives_no_address_for_them_or_the_child(navet):  # noqa: F811
    (child,) = fetch(OTHER_OF_PROTECTED).children
    assert child.personnummer == CHILD_OF_PROTECTED
    assert child.protected and child.address is None
    protected = next(g for g in child.guardians if g.personnummer == PROTECTED_GUARDIAN)
    assert protected.protected and protected.address is None
    assert protected.name  # the name is still given


def test_a_child_with_protected_identity_of_its_own(navet):  # noqa: F811
    record = fetch(PROTECTED_CHILD_GUARDIANS[0])
    (child,) = record.children
    assert child.personnummer == PROTECTED_CHILD
    assert child.protected and child.address is None
    assert not record.protected and record.address is not None


def test_a_parent_without_custody_has_no_children_to_choose(navet):  # noqa: F811
    assert fetch(NO_CUSTODY).children == ()
    assert fetch(STRANGER).children == ()


def test_a_child_registered_in_another_municipality(navet):  # noqa: F811
    (child,) = fetch(ELSEWHERE_GUARDIANS[1]).children
    assert child.personnummer == ELSEWHERE_CHILD
    assert child.municipality == "9998"


def test_a_17_year_old_is_in_custody_and_an_18_year_old_is_not(navet, time_machine):  # noqa: F811
    oldest = APART_CHILDREN[0]  # born 2010-08-20
    time_machine.move_to(datetime.datetime(2028, 8, 19, 12, tzinfo=datetime.UTC), tick=False)
    navet.today = datetime.date(2028, 8, 19)
    assert age(oldest) == 17
    assert oldest in [c.personnummer for c in fetch(APART[0]).children]
    time_machine.move_to(datetime.datetime(2028, 8, 20, 12, tzinfo=datetime.UTC), tick=False)
    navet.today = datetime.date(2028, 8, 20)
    assert age(oldest) == 18
    assert [c.personnummer for c in fetch(APART[0]).children] == list(APART_CHILDREN[1:])


def test_an_18_year_old_still_listed_as_in_custody_is_not_offered(navet, time_machine):  # noqa: F811
    # The register's answer is not trusted alone: custody ends at 18.
    time_machine.move_to(datetime.datetime(2028, 8, 20, 12, tzinfo=datetime.UTC), tick=False)
    navet.today = datetime.date(2028, 8, 19)  # the register still says VF
    assert [c.personnummer for c in fetch(APART[0]).children] == list(APART_CHILDREN[1:])
