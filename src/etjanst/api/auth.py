"""Bearer tokens of API clients, the per-client rate limit and the
permission check every view starts with."""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from etjanst.integrations.constants import Permission
from etjanst.integrations.models import ApiClient
from etjanst.integrations.tokens import find_token

from .problems import Problem

logger = logging.getLogger(__name__)
WINDOW = 60  # seconds


class ClientToken(HttpBearer):
    """`Authorization: Bearer etj_…`. A missing, unknown, expired or revoked
    token gets 401; then the client's rate limit applies (429)."""

    openapi_description = "API-nyckel för ett mottagande system: `Authorization: Bearer etj_…`"

    def authenticate(self, request, token: str) -> ApiClient | None:
        found = find_token(token)
        if found is None:
            return None
        client = found.client
        _rate_limit(client)
        request.api_client = client
        # The client and what it asked for; never the token.
        logger.info("API %s %s by client %s (%s)", request.method, request.path, client.pk, client)
        return client


def _rate_limit(client: ApiClient) -> None:
    """A fixed window per client in the shared cache (the database cache
    with ETJANST_CACHE=database, as the other rate limits)."""
    limit = settings.ETJANST_API_RATE_LIMIT
    now = int(time.time())
    window = now // WINDOW
    key = f"api-rate:{client.pk}:{window}"
    cache.add(key, 0, timeout=WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW * 2)
        count = 1
    if count > limit:
        retry_after = (window + 1) * WINDOW - now
        raise Problem(
            429,
            "rate-limited",
            _("Systemet har gjort för många anrop. Försök igen om %(s)d sekunder.")
            % {"s": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


def require(request, permission: Permission) -> ApiClient:
    """The calling client, if it has the permission (403 otherwise)."""
    client: ApiClient = request.auth
    if not client.may(permission):
        raise Problem(
            403,
            "missing-permission",
            _("Er API-nyckel saknar behörigheten ”%(permission)s”.")
            % {"permission": permission.label},
        )
    return client
