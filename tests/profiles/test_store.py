"""The profile store: a real SQLite file, health data encrypted, the key never in the database."""

from __future__ import annotations

import logging
import stat
from datetime import date
from pathlib import Path

import pytest
import sqlite_utils
from cryptography.fernet import Fernet

from config import Settings
from profiles.model import Limitation, Profile
from profiles.store import delete_profile, get_profile, list_profiles, save_profile
from vacancies.errors import ProfileError

NOTE = "kan na de operatie niet zwaar tillen"


def make_profile(profile_id: str = "p-0042") -> Profile:
    return Profile(
        id=profile_id, postcode="3511", max_travel_km=25, education_level="mbo2",
        illness_start=date(2025, 9, 15), hours_per_week_max=24,
        limitations={"IV.13": Limitation(level=2, value=5, unit="kg", note=NOTE),
                     "VI.1": Limitation(level=1, conditions=["nacht"])})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "spoorzoeker.sqlite",
                    profile_key_file=tmp_path / "sleutels" / "profile.key")


def test_a_saved_profile_comes_back_the_same(settings: Settings):
    profile = make_profile()
    save_profile(profile=profile, settings=settings)
    assert get_profile(profile_id="p-0042", settings=settings) == profile


def test_limitations_notes_and_illness_start_are_not_in_the_database_in_the_clear(
        settings: Settings):
    save_profile(profile=make_profile(), settings=settings)
    raw = settings.db.read_bytes()
    for secret in (NOTE, "IV.13", "nacht", "2025-09-15", "limitations"):
        assert secret.encode() not in raw, secret
    row = next(sqlite_utils.Database(settings.db)["profiles"].rows)
    assert "3511" in row["public"]  # the non-health fields stay searchable


def test_the_key_file_is_made_private_on_first_use_and_kept_out_of_the_database(
        settings: Settings):
    save_profile(profile=make_profile(), settings=settings)
    key_file = settings.profile_key_file
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_bytes().strip() not in settings.db.read_bytes()


def test_a_key_from_the_settings_is_used_and_no_key_file_is_made(tmp_path: Path):
    key = Fernet.generate_key().decode()
    settings = Settings(db=tmp_path / "db.sqlite", profile_key=key,
                        profile_key_file=tmp_path / "nooit.key")
    save_profile(profile=make_profile(), settings=settings)
    assert not settings.profile_key_file.exists()
    assert get_profile(profile_id="p-0042", settings=settings).limitations["IV.13"].note == NOTE


def test_the_wrong_key_gives_a_dutch_error_not_the_data(tmp_path: Path):
    first = Settings(db=tmp_path / "db.sqlite", profile_key=Fernet.generate_key().decode())
    save_profile(profile=make_profile(), settings=first)
    other = Settings(db=first.db, profile_key=Fernet.generate_key().decode())
    with pytest.raises(ProfileError, match="ontsleuteld"):
        get_profile(profile_id="p-0042", settings=other)


def test_a_broken_key_is_reported_in_dutch(tmp_path: Path):
    settings = Settings(db=tmp_path / "db.sqlite", profile_key="geen-sleutel")
    with pytest.raises(ProfileError, match="geen geldige profielsleutel"):
        save_profile(profile=make_profile(), settings=settings)


def test_list_and_delete_with_a_coach_as_owner(settings: Settings):
    save_profile(profile=make_profile("p-1"), settings=settings, coach="anna")
    save_profile(profile=make_profile("p-2"), settings=settings, coach="bert")
    assert [row["id"] for row in list_profiles(settings=settings)] == ["p-1", "p-2"]
    assert [row["id"] for row in list_profiles(settings=settings, coach="anna")] == ["p-1"]
    with pytest.raises(ProfileError, match="bestaat niet"):
        get_profile(profile_id="p-2", settings=settings, coach="anna")
    save_profile(profile=make_profile("p-1"), settings=settings)  # keeps the owner
    assert list_profiles(settings=settings, coach="anna")[0]["coach"] == "anna"
    assert delete_profile(profile_id="p-1", settings=settings) is True
    assert delete_profile(profile_id="p-1", settings=settings) is False
    with pytest.raises(ProfileError, match="'p-1' bestaat niet"):
        get_profile(profile_id="p-1", settings=settings)


def test_nothing_of_the_limitations_reaches_the_log(settings: Settings,
                                                   caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    save_profile(profile=make_profile(), settings=settings)
    get_profile(profile_id="p-0042", settings=settings)
    delete_profile(profile_id="p-0042", settings=settings)
    logged = caplog.text
    assert "p-0042" in logged
    for secret in (NOTE, "IV.13", "nacht", "2025-09-15"):
        assert secret not in logged
