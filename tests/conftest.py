"""Shared test fixtures: paths, the shared data folder, and a fresh store per test."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real postings of ../shared/data; skipped where they are absent (a fresh clone)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent: the shared development data is not in this clone")
    return SHARED_DATA


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "spoorzoeker.sqlite"


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One converted embedding model for the whole test session."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def run_cli(model_cache: Path, tmp_path: Path):
    """Run the installed `spoorzoeker` command as a user would, in a subprocess."""
    import os
    import subprocess
    import sys

    executable = Path(sys.executable).parent / "spoorzoeker"

    def run(*args: str, stdin: str | None = None, timeout: float = 600,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "SPOORZOEKER_MODEL_CACHE": str(model_cache),
                       "HF_HUB_OFFLINE": "1", "SPOORZOEKER_PROFILE_KEY_FILE":
                       str(tmp_path / "profile.key"), **(env or {})}
        environment.pop("SPOORZOEKER_DB", None)
        return subprocess.run([str(executable), *args], input=stdin, capture_output=True,
                              text=True, timeout=timeout, env=environment, check=False)

    return run


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that reads ../shared/data carries the `shared_data` mark."""
    for item in items:
        if "shared_data" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shared_data)
