"""The e-service builder for e-service administrators (/handlaggning/e-tjanster/).
Every action is a plain form POST (no JavaScript needed); the rules live in
`eservices.builder`, `eservices.lint` and `eservices.actions` (and
`submissions.testmode` for test runs). E-services are reached through
`EService.objects.buildable_by(user)` (404 otherwise). One small module per
part of the builder; the URLs name the views through this package."""

from .catalogue import catalogue
from .overview import change, overview
from .publishing import change_log, check, publish, restore, unpublish, versions
from .questions import add_question, edit_question
from .settings_pages import create, settings
from .statuses import statuses
from .steps import step
from .testing import test
from .transfer import copy, export, import_json

__all__ = [
    "add_question", "catalogue", "change", "change_log", "check", "copy", "create",
    "edit_question", "export", "import_json", "overview", "publish", "restore", "settings",
    "statuses", "step", "test", "unpublish", "versions",
]  # fmt: skip
