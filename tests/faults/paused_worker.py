"""`manage.py` with one function made to stop in the middle, for the fault
tests: the worker runs normally until it first calls FAULT_PAUSE_IN
("module:function"); then it makes the file FAULT_PAUSED_FILE and waits
there until it is killed. So a test can kill -9 a worker at a known point
of a task (mid-PDF) instead of hoping to hit it. Nothing of the platform is
replaced: the function runs unchanged in every other process."""

import importlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    module_name, _, name = os.environ["FAULT_PAUSE_IN"].partition(":")
    module = importlib.import_module(module_name)
    paused_file = Path(os.environ["FAULT_PAUSED_FILE"])

    def paused(*args, **kwargs):
        paused_file.touch()
        while True:  # until kill -9
            time.sleep(1)

    setattr(module, name, paused)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *sys.argv[1:]])


if __name__ == "__main__":
    main()
