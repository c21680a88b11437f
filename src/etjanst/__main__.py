"""`etjanst` (the console script) and `python -m etjanst`: Django's
management commands for an installed platform, with the production settings
unless DJANGO_SETTINGS_MODULE says otherwise (a checkout has manage.py,
which defaults to the development settings)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etjanst.config.settings.production")
    if folder := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # prometheus-client writes there from the first metric any app defines.
        os.makedirs(folder, exist_ok=True)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["etjanst", *sys.argv[1:]])


if __name__ == "__main__":
    main()
