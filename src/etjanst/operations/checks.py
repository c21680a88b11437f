"""`check --deploy` warnings an operator should not miss."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

#: The demo municipality's values (settings/base.py defaults, demo content).
DEMO_MARKERS = ("exempelby",)
DEMO_PHONE = "0123-45 67 00"


@register(Tags.security, deploy=True)
def demo_municipality_in_place(app_configs, **kwargs) -> list[Warning]:
    """Residents would see the demo municipality's name, or e-mail it."""
    found = []
    municipality = settings.ETJANST_MUNICIPALITY
    for label, variable, value in (
        ("name", "ETJANST_MUNICIPALITY_NAME", municipality.get("name", "")),
        ("e-mail", "ETJANST_MUNICIPALITY_EMAIL", municipality.get("email", "")),
        ("website", "ETJANST_MUNICIPALITY_WEBSITE", municipality.get("website", "")),
        ("sender", "DEFAULT_FROM_EMAIL", settings.DEFAULT_FROM_EMAIL),
    ):
        if any(marker in str(value).lower() for marker in DEMO_MARKERS):
            found.append((label, variable))
    if municipality.get("phone") == DEMO_PHONE:
        found.append(("phone", "ETJANST_MUNICIPALITY_PHONE"))
    return [
        Warning(
            f"The municipality's {label} is still the demo value ({variable}).",
            hint=f"Set {variable} to your municipality's own value (docs/operations.md).",
            id="etjanst.W001",
        )
        for label, variable in found
    ]
