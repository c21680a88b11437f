"""API clients made as an administrator makes them: through the actions."""

from etjanst.integrations.actions import create_client
from etjanst.integrations.constants import Permission

ALL = list(Permission.values)


def api_client(name="Platina", *, permissions=ALL, eservices=(), committees=(), **kwargs):
    """(the client, its token)."""
    return create_client(
        name=name, permissions=permissions, eservices=eservices, committees=committees, **kwargs
    )
