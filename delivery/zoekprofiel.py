"""Placeholder replaced below."""

from __future__ import annotations

import sqlite_utils


def approved_occupations(db: sqlite_utils.Database, *, profile_id: str) -> list[str]:
    return []
