import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_secret_key():
    result = _run("import django; django.setup()", DJANGO_SETTINGS_MODULE="cocrea.settings.production")

    assert result.returncode != 0
    assert "SECRET_KEY is required in production" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = _run(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DJANGO_SETTINGS_MODULE="cocrea.settings.production",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-for-the-check",
        BUDGETS_DNI_KEY="y" * 20 + "a-long-random-key-for-the-dni-hashes",
        ALLOWED_HOSTS="participa.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SEARCH_ENGINE", "solr", "SEARCH_ENGINE must be one of"),
        (
            "SEARCH_ENGINE",
            "elasticsearch",
            "SEARCH_ENGINE=elasticsearch is not supported: Elasticsearch 8 and 9 cannot be run here",
        ),
        ("TASKS_BACKEND", "celery", "TASKS_BACKEND must be one of"),
        ("EMAIL_URL", "mail.example.org", "EMAIL_URL must look like"),
    ],
)
def test_bad_environment_values_are_refused_with_a_clear_message(name, value, message):
    result = _run("import django; django.setup()", DJANGO_SETTINGS_MODULE="cocrea.settings.dev", **{name: value})

    assert result.returncode != 0
    assert message in result.stderr


def test_email_url_configures_smtp():
    from core.env import env_email

    os.environ["COCREA_TEST_EMAIL_URL"] = "smtp+tls://avisos%40gob.pe:s3cr3t@smtp.example.org"
    try:
        config = env_email("COCREA_TEST_EMAIL_URL")
    finally:
        del os.environ["COCREA_TEST_EMAIL_URL"]

    assert config["EMAIL_HOST"] == "smtp.example.org"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_HOST_USER"] == "avisos@gob.pe"
    assert config["EMAIL_USE_TLS"] is True


@pytest.mark.postgres
def test_production_lends_checked_connections_from_a_pool():
    """A request borrows a pooled connection, checked first, so a database restart costs
    the requests made while it is down and not the ones after."""
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "connection.ensure_connection(); pool = connection.pool;"
        "print(pool.max_size, pool.timeout, pool._check is not None);"
        "from django.db import connections; connections.close_all()"
    )
    result = _run(
        code,
        DJANGO_SETTINGS_MODULE="cocrea.settings.production",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-for-the-check",
        BUDGETS_DNI_KEY="y" * 20 + "a-long-random-key-for-the-dni-hashes",
        DATABASE_POOL_SIZE="12",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["12", "10", "True"]


def test_without_postgresql_there_is_no_pool_and_connections_give_up_in_time():
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] == 5
        assert "pool" not in settings.DATABASES["default"]["OPTIONS"]  # the test settings: no pool
    else:
        assert "pool" not in settings.DATABASES["default"].get("OPTIONS", {})
