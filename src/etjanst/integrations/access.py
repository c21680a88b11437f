"""Who may manage API clients and webhooks: superusers, and staff given the
Django permission `integrations.change_apiclient` (in /admin/ → Users or a
group, e.g. "Integrationsförvaltare")."""

MANAGE_PERMISSION = "integrations.change_apiclient"


def may_manage_integrations(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or user.has_perm(MANAGE_PERMISSION))
