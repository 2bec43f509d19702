"""Production mode refuses unsafe configuration (issue 2 item 4)."""

import os
import subprocess
import sys

import pytest


def _load_settings(**env):
    full = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    full.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import kefu.settings as s; print(s.SECRET_KEY[:6], s.DEBUG)"],
        env=full,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "needs SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "needs SECRET_KEY"),
        ({"SECRET_KEY": "kefu-insecure-" + "x" * 40}, "needs SECRET_KEY"),
        ({"SECRET_KEY": "s" * 50, "DEBUG": "true", "ALLOWED_HOSTS": "kefu.example"}, "DEBUG on"),
        ({"SECRET_KEY": "s" * 50}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_unsafe_settings(env, message, tmp_path):
    result = _load_settings(KEFU_MODE="production", KEFU_DATA_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_safe_settings(tmp_path):
    result = _load_settings(
        KEFU_MODE="production",
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="kefu.example",
        KEFU_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ssssss", "False"]


def test_embedded_mode_generates_and_keeps_a_secret(tmp_path):
    first = _load_settings(KEFU_DATA_DIR=str(tmp_path))
    second = _load_settings(KEFU_DATA_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "secret_key").exists()
    assert first.stdout == second.stdout


def test_default_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert ("en", "English") in [(c, str(n)) for c, n in settings.LANGUAGES]
