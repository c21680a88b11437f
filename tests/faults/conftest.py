from tests.jobs.conftest import workers  # noqa: F401 (the same worker processes fixture)
