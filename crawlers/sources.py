"""The list of sources to crawl, read from `config/sources.toml` (CONTRACTS §7).

Adding an employer's career site is a table in that file, not code. A wrong
file gives one `ConfigError` naming the source and the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from vacancies.errors import ConfigError

KINDS = ("jobposting", "recruitee", "indeed-xml", "rss")


@dataclass(frozen=True)
class Source:
    """One place vacancies come from, with its polite crawl settings."""

    name: str
    kind: str
    sitemap: str | None = None
    start_urls: tuple[str, ...] = ()
    url: str | None = None
    allowed_domains: tuple[str, ...] = ()
    region: str | None = None
    enabled: bool = True
    download_delay: float | None = None
    concurrency: int | None = None
    serve_demo: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def with_base_url(self, base_url: str) -> Source:
        """The demo source with its relative addresses resolved against a live server."""
        def absolute(address: str | None) -> str | None:
            if address is None or urlparse(address).scheme:
                return address
            return base_url.rstrip("/") + "/" + address.lstrip("/")

        return Source(
            name=self.name, kind=self.kind, sitemap=absolute(self.sitemap),
            start_urls=tuple(absolute(u) or u for u in self.start_urls),
            url=absolute(self.url), allowed_domains=self.allowed_domains, region=self.region,
            enabled=self.enabled, download_delay=self.download_delay,
            concurrency=self.concurrency, serve_demo=False, extra=self.extra,
        )


_TYPES: dict[str, type | tuple[type, ...]] = {
    "name": str, "kind": str, "sitemap": str, "start_urls": list, "url": str,
    "allowed_domains": list, "region": str, "enabled": bool,
    "download_delay": (int, float), "concurrency": int, "serve_demo": bool,
}


def load_sources(path: Path) -> list[Source]:
    """Every source of the file, enabled or not, validated."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: bestand met bronnen niet gevonden") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: geen geldige TOML ({error})") from error
    tables = document.get("source", [])
    if not isinstance(tables, list):
        raise ConfigError(f"{path}: 'source' moet een lijst van [[source]]-tabellen zijn")
    sources: list[Source] = []
    names: set[str] = set()
    for number, table in enumerate(tables, start=1):
        source = _source(table, label=f"{path}: bron {number}")
        if source.name in names:
            raise ConfigError(f"{path}: bron '{source.name}', sleutel 'name': komt twee keer voor")
        names.add(source.name)
        sources.append(source)
    return sources


def _source(table: dict[str, Any], *, label: str) -> Source:
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{label}, sleutel 'name': ontbreekt of is leeg")
    label = f"{label.split(': ')[0]}: bron '{name}'"
    for key, expected in _TYPES.items():
        if key in table and not isinstance(table[key], expected):
            raise ConfigError(f"{label}, sleutel '{key}': verkeerd type")
    kind = table.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{label}, sleutel 'kind': moet een van {', '.join(KINDS)} zijn")
    serve_demo = bool(table.get("serve_demo", False))
    addresses = {key: table.get(key) for key in ("sitemap", "url")}
    start_urls = tuple(table.get("start_urls", []))
    if kind == "jobposting" and not (addresses["sitemap"] or start_urls):
        raise ConfigError(f"{label}, sleutel 'sitemap': geef 'sitemap' of 'start_urls'")
    if kind != "jobposting" and not addresses["url"]:
        raise ConfigError(f"{label}, sleutel 'url': bron van soort '{kind}' heeft een url nodig")
    for key, address in [*addresses.items(), *(("start_urls", u) for u in start_urls)]:
        if address is None:
            continue
        scheme = urlparse(address).scheme
        if scheme not in {"http", "https"} and not (serve_demo and not scheme):
            raise ConfigError(f"{label}, sleutel '{key}': geen http(s)-adres: {address}")
    delay = table.get("download_delay")
    if delay is not None and delay < 0:
        raise ConfigError(f"{label}, sleutel 'download_delay': mag niet negatief zijn")
    concurrency = table.get("concurrency")
    if concurrency is not None and concurrency < 1:
        raise ConfigError(f"{label}, sleutel 'concurrency': moet minstens 1 zijn")
    return Source(
        name=name, kind=kind, sitemap=addresses["sitemap"], start_urls=start_urls,
        url=addresses["url"], allowed_domains=tuple(table.get("allowed_domains", [])),
        region=table.get("region"), enabled=table.get("enabled", True),
        download_delay=None if delay is None else float(delay), concurrency=concurrency,
        serve_demo=serve_demo, extra={k: v for k, v in table.items() if k not in _TYPES},
    )
