"""Any change to what the snapshot holds empties its cache (current.py)."""

from django.db.models.signals import post_delete, post_save

from etjanst.eservices.models import EService

from . import current
from .models import InformationPage, OperatingMessage, SiteSettings


def _forget(**kwargs) -> None:
    current.forget()


# EService too: a message keeps its e-service (and so its slug) in the snapshot.
for _model in (InformationPage, OperatingMessage, SiteSettings, EService):
    post_save.connect(_forget, sender=_model, dispatch_uid=f"content-forget-{_model.__name__}")
    post_delete.connect(_forget, sender=_model, dispatch_uid=f"content-forget-d-{_model.__name__}")
