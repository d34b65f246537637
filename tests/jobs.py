"""Job workers as real processes (`manage.py db_worker`) working the test database.

The test database must be one another process can open: a file on SQLite (see
portal/settings/test.py) or PostgreSQL. Tests that use a worker process need
``transactional_db`` (or ``live_server``), so that what they write is committed and
visible to the worker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_env() -> dict[str, str]:
    """The environment that points a new process at the test database."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(settings["NAME"])
        assert "memory" not in name, "an in-memory test database cannot be shared"
        return {"SQLITE_PATH": name, "DATABASE_URL": ""}
    user = settings["USER"] or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or "5432"
    return {"DATABASE_URL": f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"}


class WorkerProcess:
    """One `manage.py db_worker` with the console email backend; its output (mails
    included) is kept in a file the test can read while it runs."""

    def __init__(self, log_dir: Path, name: str, *, batch: bool = False, interval: float = 0.2):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        env = {
            **os.environ,
            **database_env(),
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "WARNING",
        }
        command = [
            sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
            "--interval", str(interval), "--worker-id", name,
        ]  # fmt: skip
        if batch:
            command.append("--batch")
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, text: str, timeout: float = 60) -> str:
        """Wait until ``text`` shows in the worker's output; return the output."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out = self.output()
            if text in out:
                return out
            if self.process.poll() is not None:
                raise AssertionError(f"worker {self.name} exited:\n{out[-3000:]}")
            time.sleep(0.2)
        tail = self.output()[-3000:]
        raise AssertionError(f"{text!r} not in worker {self.name}'s output:\n{tail}")

    def wait(self, timeout: float = 120) -> int:
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # finishes the job under way
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
