import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).parents[2]
SECRET = "k3J9x!2mQz8vR4tY7wP1sL6nB0cF5hG3jD8aE2uI9oK4lM7-test-only-not-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The production settings as an operator sets them, with the state in tmp_path."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        PYTHONPATH=str(ROOT / "src"),
        DJANGO_SETTINGS_MODULE="etjanst.config.settings.production",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="e-tjanster.exempelby.se",
        ETJANST_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'etjanst.sqlite3'}",
        ETJANST_METRICS_TOKEN="metrics-test-token",
    )
    env.update(extra)
    return env


def etjanst(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    """The `etjanst` console script's code (python -m etjanst), as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "etjanst", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


class Server:
    """gunicorn with the image's configuration (etjanst.config.gunicorn)."""

    def __init__(self, env: dict[str, str], tmp_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / "gunicorn.log"
        env = {"GUNICORN_WORKERS": "1", **env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "python:etjanst.config.gunicorn",
                "etjanst.config.wsgi",
            ],
            env=env,
            cwd=tmp_path,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/halsa/", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start: " + self.log_path.read_text())

    def log_lines(self) -> list[str]:
        self._log.flush()
        return self.log_path.read_text().splitlines()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self._log.close()


@pytest.fixture(scope="session")
def installation(tmp_path_factory) -> Path:
    """A directory set up as the README says: static files collected and the
    SQLite database migrated with the `etjanst` command."""
    folder = tmp_path_factory.mktemp("installation")
    env = production_env(folder)
    for args in (("collectstatic", "--no-input", "-v0"), ("migrate", "-v0")):
        result = etjanst(*args, env=env, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
    return folder


@pytest.fixture
def start_server(tmp_path):
    servers = []

    def start(env: dict[str, str]) -> Server:
        server = Server(env, tmp_path)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
