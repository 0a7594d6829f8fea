"""The sources file: every mistake named by source and key."""

from __future__ import annotations

import pytest

from config import DEFAULT_SOURCES
from crawlers.run import select_sources
from crawlers.sources import load_sources
from vacancies.errors import ConfigError


def write(tmp_path, text: str):
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_sources_file_is_valid_and_has_the_demo_site():
    sources = load_sources(DEFAULT_SOURCES)
    assert any(source.serve_demo and source.enabled for source in sources)


@pytest.mark.parametrize(("table", "message"), [
    ('name = "a"\nkind = "ftp"\nsitemap = "https://a.nl/s.xml"', "bron 'a', sleutel 'kind'"),
    ('name = "a"\nkind = "jobposting"', "bron 'a', sleutel 'sitemap'"),
    ('name = "a"\nkind = "rss"', "bron 'a', sleutel 'url'"),
    ('name = "a"\nkind = "jobposting"\nsitemap = "file:///etc/passwd"', "sleutel 'sitemap'"),
    ('name = "a"\nkind = "jobposting"\nsitemap = "https://a.nl"\nconcurrency = 0',
     "sleutel 'concurrency'"),
    ('name = "a"\nkind = "jobposting"\nsitemap = "https://a.nl"\nenabled = "ja"',
     "sleutel 'enabled'"),
    ('kind = "jobposting"', "bron 1, sleutel 'name'"),
])
def test_bad_source_is_named_with_its_key(tmp_path, table, message):
    with pytest.raises(ConfigError, match=message):
        load_sources(write(tmp_path, f"[[source]]\n{table}\n"))


def test_invalid_toml_and_duplicate_names(tmp_path):
    with pytest.raises(ConfigError, match="geen geldige TOML"):
        load_sources(write(tmp_path, "[[source]\n"))
    table = '[[source]]\nname = "a"\nkind = "rss"\nurl = "https://a.nl/feed"\n'
    with pytest.raises(ConfigError, match="komt twee keer voor"):
        load_sources(write(tmp_path, table * 2))


def test_only_selects_a_named_source_and_rejects_an_unknown_one(tmp_path):
    sources = load_sources(write(tmp_path, (
        '[[source]]\nname = "a"\nkind = "rss"\nurl = "https://a.nl/feed"\nenabled = false\n'
        '[[source]]\nname = "b"\nkind = "rss"\nurl = "https://b.nl/feed"\n')))
    assert [s.name for s in select_sources(sources, only=None)] == ["b"]
    assert [s.name for s in select_sources(sources, only="a")] == ["a"]
    with pytest.raises(ConfigError, match="Bron 'c' staat niet"):
        select_sources(sources, only="c")
