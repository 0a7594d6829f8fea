"""The Vacancy: what a source published, kept as it was published.

A vacancy keeps the raw text the page gave (the dossier needs the snapshot)
beside the fields we read from it. The same model is the Scrapy item of the
crawlers and the record of `ingest` and `export` (CONTRACTS §6, §8).
"""

from __future__ import annotations

import hashlib
from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class Vacancy(BaseModel):
    """One vacancy as a source published it."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str
    employer: str | None = None
    place: str | None = None
    postcode: str | None = None
    url: str | None = None
    date_posted: date | None = None
    valid_through: date | None = None
    source: str | None = None
    employment_type: str | None = None
    raw: str | None = Field(default=None, description="The page or record as fetched.")

    def content_hash(self) -> str:
        """Hash of what a reader sees; unchanged content embeds and extracts nothing anew."""
        text = "\x1f".join([self.title, self.description, self.employer or "", self.place or ""])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
