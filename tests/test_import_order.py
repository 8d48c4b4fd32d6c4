"""DRF loads the classes named in REST_FRAMEWORK while it defines APIView; a settings class
whose module imports rest_framework.views must never be the first to be loaded."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "setting",
    [
        "DEFAULT_PAGINATION_CLASS",
        "EXCEPTION_HANDLER",
        "DEFAULT_THROTTLE_CLASSES",
        "DEFAULT_SCHEMA_CLASS",
    ],
)
def test_each_api_setting_loads_first_in_a_fresh_process(setting):
    code = (
        "import django; django.setup()\n"
        "from rest_framework.settings import api_settings\n"
        f"getattr(api_settings, {setting!r})\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-only-secret-key"),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
