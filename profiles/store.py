"""Capability profiles in the SQLite store, with the health data encrypted at rest.

The `profiles` table belongs to this package. The FML limitations (with their
notes) and the first day of illness are special-category health data (AVG
art. 9): they are stored only as one Fernet token (`cryptography`), never in
the clear. The key comes from `Settings.profile_key`, or else from the key file
`Settings.profile_key_file` (created with mode 0600 on first use) and never
from the database. Nothing of the limitations or notes is ever logged; log
lines name the profile id only.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from cryptography.fernet import Fernet, InvalidToken

from config import Settings
from profiles.model import Profile, profile_from_data
from vacancies.errors import ProfileError

logger = logging.getLogger(__name__)

TABLE = "profiles"
# Fields of the profile that are health data and only ever stored encrypted.
HEALTH_FIELDS = ("limitations", "illness_start")


def load_key(settings: Settings) -> bytes:
    """The Fernet key: from the settings, else from the key file (made 0600 when absent)."""
    if settings.profile_key is not None:
        key = settings.profile_key.get_secret_value().encode("ascii", "replace")
        _check_key(key, where="SPOORZOEKER_PROFILE_KEY")
        return key
    path = settings.profile_key_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # made by another process just now; read it below
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(Fernet.generate_key())
            logger.info("nieuwe profielsleutel aangemaakt in %s", path)
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise ProfileError(f"{path}: kan de profielsleutel niet lezen ({exc.strerror}).") \
            from None
    _check_key(key, where=str(path))
    return key


def _check_key(key: bytes, *, where: str) -> None:
    try:
        Fernet(key)
    except (ValueError, TypeError):
        raise ProfileError(f"{where}: dit is geen geldige profielsleutel (Fernet, 44 tekens "
                           "base64).") from None


def _fernet(settings: Settings) -> Fernet:
    return Fernet(load_key(settings))


def _open(settings: Settings, db: sqlite_utils.Database | None) -> sqlite_utils.Database:
    if db is None:
        settings.db.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(settings.db)
    if TABLE not in db.table_names():
        db.table(TABLE).create({"id": str, "coach": str, "public": str, "health": bytes,
                          "created": str, "updated": str}, pk="id", not_null={"public"})
        db.table(TABLE).create_index(["coach"], if_not_exists=True)
    return db


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def save_profile(*, profile: Profile, settings: Settings, db: sqlite_utils.Database | None = None,
                 coach: str | None = None) -> None:
    """Store (or replace) a profile; its health data only as a Fernet token."""
    db = _open(settings, db)
    data = profile.model_dump(mode="json")
    health = {name: data.pop(name) for name in HEALTH_FIELDS}
    token = _fernet(settings).encrypt(json.dumps(health, ensure_ascii=False).encode("utf-8"))
    table = db.table(TABLE)
    existing = next(iter(table.rows_where("id = ?", [profile.id], select="created, coach")),
                    None)
    now = _now()
    table.upsert({"id": profile.id, "public": json.dumps(data, ensure_ascii=False),
                  "health": token,
                  "coach": coach if coach is not None else (existing or {}).get("coach"),
                  "created": (existing or {}).get("created") or now, "updated": now}, pk="id")
    logger.info("profiel %s opgeslagen", profile.id)


def get_profile(*, profile_id: str, settings: Settings, db: sqlite_utils.Database | None = None,
                coach: str | None = None) -> Profile:
    """The stored profile; ProfileError when absent (or of another coach, when coach is given)."""
    db = _open(settings, db)
    row = next(iter(db.table(TABLE).rows_where("id = ?", [profile_id])), None)
    if row is None or (coach is not None and row["coach"] not in (None, coach)):
        raise ProfileError(f"profiel '{profile_id}' bestaat niet.")
    try:
        health = json.loads(_fernet(settings).decrypt(row["health"]).decode("utf-8"))
    except InvalidToken:
        raise ProfileError(f"profiel '{profile_id}': de beperkingen kunnen niet worden "
                           "ontsleuteld; is dit de juiste profielsleutel?") from None
    data = json.loads(row["public"])
    data.update(health)
    return profile_from_data(data, source_name=f"opslag, profiel '{profile_id}'")


def list_profiles(*, settings: Settings, db: sqlite_utils.Database | None = None,
                  coach: str | None = None) -> list[dict[str, str | None]]:
    """Id, coach and dates of every stored profile (no health data, nothing decrypted)."""
    db = _open(settings, db)
    where, args = ("coach = ? or coach is null", [coach]) if coach is not None else (None, None)
    return [dict(row) for row in db.table(TABLE).rows_where(
        where, args, select="id, coach, created, updated", order_by="id")]


def delete_profile(*, profile_id: str, settings: Settings,
                   db: sqlite_utils.Database | None = None) -> bool:
    """Remove a profile; False when there was none with this id."""
    db = _open(settings, db)
    table = db.table(TABLE)
    if next(iter(table.rows_where("id = ?", [profile_id], select="id")), None) is None:
        return False
    table.delete(profile_id)
    logger.info("profiel %s verwijderd", profile_id)
    return True


def key_file(settings: Settings) -> Path:
    """Where the key lives when it does not come from the settings."""
    return settings.profile_key_file
