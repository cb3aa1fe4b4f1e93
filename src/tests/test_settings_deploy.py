"""Settings from the environment: production passes `ocop check --deploy`, SQLite runs in WAL mode
with IMMEDIATE transactions, and every variable settings.py reads is documented.

Each case starts a fresh interpreter, since settings are read once at start-up.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ocop import settings as ocop_settings

REPO = Path(__file__).resolve().parents[2]
SETTINGS_FILE = REPO / "src" / "ocop" / "settings.py"
CLEARED = ("DATABASE_URL", "REDIS_URL", "EMAIL_HOST", "OCOP_SQLITE_PATH", "OCOP_STATIC_ROOT")


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "OCOP_")) and key not in CLEARED
    }
    env.update({"OCOP_DATA_DIR": str(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "ocop.settings"})
    env.update(values)
    return env


def _production(tmp_path: Path, **values: str) -> dict[str, str]:
    return _env(
        tmp_path,
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="ocop.example.vn",
        **values,
    )


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _settings(env: dict[str, str], expression: str) -> object:
    """The JSON value of an expression over the settings, read in a fresh interpreter."""
    code = f"import json; from django.conf import settings as s; print(json.dumps({expression}))"
    result = _run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_pass_check_deploy_with_no_warning(tmp_path):
    result = _run(
        ["-m", "ocop", "check", "--deploy", "--fail-level", "WARNING"], _production(tmp_path)
    )
    assert (result.returncode, result.stdout.strip()) == (
        0,
        "System check identified no issues (0 silenced).",
    )
    assert "WARNING" not in result.stderr


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = _run(["-m", "ocop", "check"], _env(tmp_path, DJANGO_DEBUG="False"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: DJANGO_SECRET_KEY (or "
        "DJANGO_SECRET_KEY_FILE) must be set when DJANGO_DEBUG=False"
    )


def test_the_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file-" + "x" * 60 + "\n", encoding="utf-8")
    env = _env(
        tmp_path,
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY_FILE=str(secret),
        DJANGO_ALLOWED_HOSTS="ocop.example.vn",
    )
    assert _settings(env, "s.SECRET_KEY") == "from-a-file-" + "x" * 60


def test_production_settings_are_hardened(tmp_path):
    values = _settings(
        _production(tmp_path),
        "[s.DEBUG, s.PASSWORD_HASHERS[0], s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.ALLOWED_HOSTS, s.EMAIL_BACKEND]",
    )
    assert values == [
        False,
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        True,
        True,
        True,
        31_536_000,
        ["ocop.example.vn"],
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_argon2_is_the_first_hasher():
    assert ocop_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("mật khẩu", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify("mật khẩu", encoded) is True


def test_smtp_is_chosen_by_settings(tmp_path):
    env = _production(
        tmp_path,
        EMAIL_HOST="smtp.example.vn",
        EMAIL_PORT="465",
        EMAIL_USE_SSL="True",
        EMAIL_HOST_USER="ocop",
        EMAIL_HOST_PASSWORD="mat-khau",
    )
    values = _settings(
        env,
        "[s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_SSL, s.EMAIL_USE_TLS, "
        "s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD]",
    )
    assert values == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.vn",
        465,
        True,
        False,
        "ocop",
        "mat-khau",
    ]


def test_database_url_selects_postgresql(tmp_path):
    env = _env(tmp_path, DATABASE_URL="postgres://ocop:pw@db.example.vn:5433/ocop")
    database = _settings(env, "s.DATABASES['default']")
    assert {key: database[key] for key in ("ENGINE", "NAME", "HOST", "PORT", "USER")} == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "ocop",
        "HOST": "db.example.vn",
        "PORT": 5433,
        "USER": "ocop",
    }
    assert (database["CONN_HEALTH_CHECKS"], database["CONN_MAX_AGE"]) == (True, 60)


SQLITE_PROBE = """
import json, sqlite3, django
django.setup()
from django.db import connection, transaction
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
    cursor.execute("PRAGMA busy_timeout")
    busy = cursor.fetchone()[0]
    cursor.execute("PRAGMA foreign_keys")
    foreign_keys = cursor.fetchone()[0]
# IMMEDIATE: entering a transaction takes the write lock at once, before any write.
with transaction.atomic():
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        locked = False
    except sqlite3.OperationalError as exc:
        locked = "locked" in str(exc)
    finally:
        other.close()
print(json.dumps([journal, busy, foreign_keys, connection.transaction_mode, locked]))
"""


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    env = _env(tmp_path, OCOP_SQLITE_PATH=str(tmp_path / "ocop.sqlite3"), OCOP_SQLITE_TIMEOUT="7")
    result = _run(["-c", SQLITE_PROBE], env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["wal", 7000, 1, "IMMEDIATE", True]


def test_a_sqlite_database_url_gets_the_same_options(tmp_path):
    env = _env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'other.sqlite3'}")
    result = _run(["-c", SQLITE_PROBE], env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["wal", 20000, 1, "IMMEDIATE", True]


def test_env_helpers(monkeypatch, tmp_path):
    monkeypatch.setenv("OCOP_X", " yes ")
    assert ocop_settings.env_bool("OCOP_X", False) is True
    monkeypatch.setenv("OCOP_X", "Off")
    assert ocop_settings.env_bool("OCOP_X", True) is False
    monkeypatch.setenv("OCOP_X", "")
    assert ocop_settings.env_bool("OCOP_X", True) is True
    monkeypatch.setenv("OCOP_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="OCOP_X must be True or False, not 'maybe'"):
        ocop_settings.env_bool("OCOP_X", True)
    monkeypatch.setenv("OCOP_X", "12")
    assert ocop_settings.env_int("OCOP_X", 3) == 12
    monkeypatch.setenv("OCOP_X", "12 phút")
    with pytest.raises(ImproperlyConfigured, match="OCOP_X must be a whole number"):
        ocop_settings.env_int("OCOP_X", 3)
    monkeypatch.setenv("OCOP_X", "a.vn, b.vn,,")
    assert ocop_settings.env_list("OCOP_X") == ["a.vn", "b.vn"]
    secret = tmp_path / "s"
    secret.write_text("bí mật\n", encoding="utf-8")
    monkeypatch.setenv("OCOP_X_FILE", str(secret))
    assert ocop_settings.env_secret("OCOP_X") == "bí mật"


GUNICORN_CONF = REPO / "src" / "ocop" / "gunicorn_conf.py"


def _variables_read_by_settings() -> set[str]:
    """The variables settings.py reads, and those the gunicorn configuration reads."""
    source = SETTINGS_FILE.read_text(encoding="utf-8")
    names = set(re.findall(r'env_(?:str|bool|int|list|secret)\(\s*"([A-Z0-9_]+)"', source))
    server = GUNICORN_CONF.read_text(encoding="utf-8")
    names |= set(re.findall(r'_(?:value|whole)\(\s*\w+,\s*"([A-Z0-9_]+)"', server))
    return names


def test_every_variable_is_in_env_example_and_documented():
    names = _variables_read_by_settings()
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_DEBUG"} <= names
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert names - listed == set()
    assert listed - names - {"DJANGO_SECRET_KEY_FILE", "EMAIL_HOST_PASSWORD_FILE"} == set()
    doc = (REPO / "docs" / "admin" / "configuration.md").read_text(encoding="utf-8")
    assert {name for name in names if f"`{name}`" not in doc} == set()
