"""Production settings plus the platform's own static folder, used by
bench/run.py ONLY for `collectstatic`, and only when plain production
settings leave src/etjanst/static/ out of the manifest (then every page
answers 500: "Missing staticfiles manifest entry for 'etjanst/site.css'").
gunicorn and the workers always run on etjanst.config.settings.production."""

from etjanst.config.settings.base import PACKAGE_DIR
from etjanst.config.settings.production import *  # noqa: F403

STATICFILES_DIRS = [*globals().get("STATICFILES_DIRS", []), PACKAGE_DIR / "static"]
