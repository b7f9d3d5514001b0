"""The suite runs on the database it was asked for (make test runs it on both)."""

from __future__ import annotations

import os

from django.db import connection


def test_database_is_the_one_asked_for(db):
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
