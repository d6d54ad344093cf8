"""Production settings: safe by default, failing fast when a secret is missing."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "HTTPS_ONLY", "DJANGO_SETTINGS_MODULE"}
    }
    base.update(ENV_FILE=os.devnull, DJANGO_SETTINGS_MODULE="config.settings.base")
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="commonplace.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr.splitlines()[-1]


def test_plain_http_is_a_choice_from_the_environment():
    script = "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.DEBUG)"
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        script,
        SECRET_KEY=secrets.token_urlsafe(50),
        HTTPS_ONLY="false",
    )
    assert result.stdout.split() == ["False", "False"], result.stderr
    result = manage("shell", "--no-imports", "-c", script, SECRET_KEY=secrets.token_urlsafe(50))
    assert result.stdout.split() == ["True", "False"], result.stderr
