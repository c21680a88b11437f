"""Reads with the API client's access rule: what a receiving system may see."""

from etjanst.cases.models import Case
from etjanst.eservices.models import EService

from .models import ApiClient


def cases_for(client: ApiClient):
    """The cases of the client's e-services and committees."""
    return Case.objects.filter(client.case_scope())


def eservices_for(client: ApiClient):
    return EService.objects.filter(pk__in=client.eservices.values("pk")) | EService.objects.filter(
        committee_id__in=client.committees.values("pk")
    )
