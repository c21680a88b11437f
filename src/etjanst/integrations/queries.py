"""Reads with the API client's access rule: what a receiving system may see,
and the overviews the staff page of API clients shows."""

from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from etjanst.cases.models import Case
from etjanst.eservices.models import EService

from .models import ApiClient, OutboxMessage


def cases_for(client: ApiClient):
    """The cases of the client's e-services and committees."""
    return Case.objects.filter(client.case_scope())


def eservices_for(client: ApiClient):
    return EService.objects.filter(pk__in=client.eservices.values("pk")) | EService.objects.filter(
        committee_id__in=client.committees.values("pk")
    )


def clients_overview():
    """Every client with when a token of it was last used and how many of its
    webhook messages have failed or wait."""
    return ApiClient.objects.prefetch_related("eservices", "committees").annotate(
        last_used_at=Max("tokens__last_used_at"),
        failed=_count(OutboxMessage.State.FAILED),
        pending=_count(OutboxMessage.State.PENDING),
    )


def _count(state: str):
    """How many of the client's messages are in `state` (a subquery each, so
    the tokens' join does not multiply the rows)."""
    counted = (
        OutboxMessage.objects.filter(endpoint__client=OuterRef("pk"), state=state)
        .order_by()
        .values("endpoint__client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def messages_of(client: ApiClient, state: str | None = None):
    messages = OutboxMessage.objects.filter(endpoint__client=client).select_related(
        "case", "endpoint"
    )
    if state:
        messages = messages.filter(state=state)
    return messages.order_by("-pk")
