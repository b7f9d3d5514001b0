"""A production deployment as the README describes it passes Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    environment = dict(
        os.environ,
        CLEANPROD_DATA_DIR=str(tmp_path),
        CLEANPROD_DEBUG="0",
        CLEANPROD_HTTPS="1",
        CLEANPROD_ALLOWED_HOSTS="cp.example.org",
        CLEANPROD_SECRET_KEY="q7-" + "x9Lm2vB8nR4tY6uP0oI3kJ5hG1fD7sA9zXcVbN" * 2,
    )
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        environment.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "cleanprod.web", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
