"""Settings contract: prod refuses to start half-configured and passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
    "SECRET_KEY": "x9$k2!f7@q3#z8^w1&m6*p4(r0)t5_u2-v7+y3=b8~n1c6d9e4g7h2j5k8l3",
    "ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "sqlite:////tmp/portal-prod-check.sqlite3",
}


def run_manage(*args, env_overrides: dict, drop: tuple = ()) -> subprocess.CompletedProcess:
    # A clean environment: nothing from the test run (browser tests set async flags).
    skip = ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", *drop)
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(env_overrides)
    for key in drop:
        env.pop(key, None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_prod_passes_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_prod_refuses_to_start_without(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = run_manage("check", env_overrides=env, drop=(missing,))
    assert result.returncode != 0
    assert missing in result.stderr


def test_no_missing_migrations(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
