from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrefillConfig(AppConfig):
    name = "etjanst.prefill"
    verbose_name = _("Förifyllda uppgifter")

    def ready(self) -> None:
        from etjanst.eid.session import forget_on_login

        from . import checks  # noqa: F401  (registers the form schema's prefill check)
        from .contrib.navet import plugin  # noqa: F401  (registers the Navet source)
        from .service import SESSION_KEY

        forget_on_login(SESSION_KEY)
