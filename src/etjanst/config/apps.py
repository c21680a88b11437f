"""Swedish names for third-party apps in the admin (django-otp's TOTP
devices, django-tasks' database backend).

The app names are ours to set. Their models' and fields' names are not:
changed to other text, `makemigrations` would write migrations into the
installed packages. So the English names stay as they are, marked for
translation (gettext_lazy of the same text, which the migration state sees
as unchanged), and `locale/sv/LC_MESSAGES/django.po` gives the Swedish for
exactly these strings. Our own apps have Swedish source texts."""

from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPDefaultConfig
from django_tasks_db.apps import TasksAppConfig


def translatable_labels(model) -> None:
    """Mark the model's and its fields' English names for translation."""
    meta = model._meta
    meta.verbose_name = _(str(meta.verbose_name))
    meta.verbose_name_plural = _(str(meta.verbose_name_plural))
    for field in meta.get_fields():
        if field.concrete and not field.auto_created:
            field.verbose_name = _(str(field.verbose_name))


class TOTPConfig(TOTPDefaultConfig):
    verbose_name = _("Engångskoder för personal")

    def ready(self) -> None:
        super().ready()
        translatable_labels(self.get_model("TOTPDevice"))


class TasksConfig(TasksAppConfig):
    verbose_name = _("Bakgrundsjobb")
