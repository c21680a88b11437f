"""Every app, model and field the admin can show has a Swedish name: no
English default made from a code name ("Eservice", "CREATED AT", "OTP_TOTP",
"Task Results") reaches an administrator."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.utils.text import camel_case_to_spaces
from django.utils.translation import override

pytestmark = pytest.mark.django_db


def shown_models():
    """Our own apps' models and every model registered in the admin."""
    ours = [m for m in apps.get_models() if m.__module__.startswith("etjanst.")]
    return sorted(set(ours) | set(admin.site._registry), key=lambda m: m._meta.label)


# Words that are the same in Swedish as the code name they come from.
SAME_IN_SWEDISH = {"status", "version", "personnummer", "Diarium", "Organisation", "id", "ID"}


def labels(model) -> dict[str, object]:
    meta = model._meta
    found = {
        f"app {meta.app_label}": meta.app_config.verbose_name,
        f"model {meta.label}": meta.verbose_name,
        f"model {meta.label} plural": meta.verbose_name_plural,
    }
    for field in meta.get_fields():
        if field.concrete and not field.auto_created:
            found[f"field {meta.label}.{field.name}"] = field.verbose_name
    return found


def english_defaults() -> list[str]:
    """Our models: no name made from the code name. Third-party models in the
    admin: every name translated (its Swedish differs from its English)."""
    problems = []
    for model in shown_models():
        meta = model._meta
        with override("sv"):
            swedish = {key: str(value) for key, value in labels(model).items()}
        if model.__module__.startswith("etjanst."):
            default = camel_case_to_spaces(meta.object_name)
            english = {
                f"app {meta.app_label}": meta.app_label.title(),
                f"model {meta.label}": default,
                f"model {meta.label} plural": f"{default}s",
            }
            for field in meta.get_fields():
                if field.concrete and not field.auto_created:
                    english[f"field {meta.label}.{field.name}"] = field.name.replace("_", " ")
        else:
            with override("en"):
                english = {key: str(value) for key, value in labels(model).items()}
        problems += [
            f"{key}: {swedish[key]}"
            for key in swedish
            if swedish[key] == english[key] and swedish[key] not in SAME_IN_SWEDISH
        ]
    return sorted(set(problems))


def test_no_english_default_label():
    problems = english_defaults()
    assert problems == [], "\n".join(problems)


def test_the_admin_index_shows_swedish_app_names(admin_client):
    html = admin_client.get("/admin/").content.decode()
    for english in ("Otp_Totp", "OTP_TOTP", "Task Results", "Django Tasks Database", "Eservice"):
        assert english not in html, english
