import pytest

from tests.eservices.factories import EServiceFactory
from tests.organisation.factories import CommitteeFactory
from tests.staff_accounts import log_in_staff, staff_user


@pytest.fixture
def committee(db):
    return CommitteeFactory(prefix="BUN", name="Barn- och utbildningsnämnden")


@pytest.fixture
def eservice(committee):
    return EServiceFactory(
        committee=committee, pd_purpose="För att pröva ansökan.", pd_legal_basis="Artikel 6.1 e"
    )


@pytest.fixture
def manager(committee):
    return staff_user("forvaltare", role="eservice_manager", committee=committee)


@pytest.fixture
def manager_client(client, manager):
    log_in_staff(client, manager)
    return client
