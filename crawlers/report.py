"""The end-of-crawl report per source (CONTRACTS §7, `--json`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SourceReport:
    """What one source gave in one crawl."""

    pages: int = 0
    items: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    duplicates: int = 0
    errors: Counter[str] = field(default_factory=Counter)

    def error(self, kind: str) -> None:
        self.errors[kind] += 1

    def as_json(self) -> dict[str, Any]:
        return {"pages": self.pages, "items": self.items, "new": self.new,
                "updated": self.updated, "unchanged": self.unchanged, "closed": self.closed,
                "duplicates": self.duplicates, "errors": dict(self.errors)}

    def summary_nl(self, name: str) -> str:
        """One line a person reads at the end of a crawl."""
        errors = sum(self.errors.values())
        return (f"{name}: {self.pages} pagina's, {self.items} vacatures "
                f"({self.new} nieuw, {self.updated} gewijzigd, {self.unchanged} ongewijzigd), "
                f"{self.closed} gesloten, {self.duplicates} dubbel, {errors} fouten")
