"""A real crawl: the `crawl` command against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES
from tests.crawlers.crawling import Reply, serve

PAGES = FIXTURES / "pages"


def page(name: str) -> Reply:
    return Reply(body=(PAGES / name).read_text(encoding="utf-8"))


def career_site() -> dict[str, Reply]:
    pages = ["jsonld_single.html", "jsonld_graph.html", "microdata.html",
             "jsonld_list_and_broken.html", "no_jobposting.html"]
    urls = [f"/vacatures/{name}" for name in pages] + ["/vacatures/kapot.html",
                                                       "/geheim/intern.html"]
    sitemap = "".join(f"<url><loc>{{base}}{url}</loc><lastmod>2026-11-20</lastmod></url>"
                      for url in urls)
    return {
        "/robots.txt": Reply(body="User-agent: *\nDisallow: /geheim/\n"
                                  "Sitemap: {base}/sitemap.xml\n", content_type="text/plain"),
        "/sitemap.xml": Reply(body='<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                                   f'"http://www.sitemaps.org/schemas/sitemap/0.9">{sitemap}'
                                   "</urlset>", content_type="application/xml"),
        **{f"/vacatures/{name}": page(name) for name in pages},
        "/vacatures/kapot.html": Reply(500, "interne fout", "text/plain"),
        "/geheim/intern.html": page("jsonld_single.html"),
    }


def sources_file(tmp_path, base_url: str):
    path = tmp_path / "sources.toml"
    path.write_text(f'[[source]]\nname = "testsite"\nkind = "jobposting"\n'
                    f'sitemap = "{base_url}/robots.txt"\ndownload_delay = 0\nconcurrency = 4\n',
                    encoding="utf-8")
    return path


@pytest.mark.slow
def test_crawl_stores_every_good_posting_counts_failures_and_obeys_robots(run_cli, tmp_path,
                                                                          db_path):
    with serve(career_site()) as site:
        result = run_cli("crawl", "--db", str(db_path), "--sources",
                         str(sources_file(tmp_path, site.base_url)), "--json")
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)["sources"]["testsite"]
        assert report["items"] == 4
        assert report["new"] == 4
        assert report["errors"]["http_500"] == 1
        assert report["errors"]["broken_json_ld"] == 1
        assert "/geheim/intern.html" not in site.paths()
        assert all("Spoorzoeker" in request.headers.get("User-Agent", "")
                   for request in site.requests)

        again = run_cli("crawl", "--db", str(db_path), "--sources",
                        str(sources_file(tmp_path, site.base_url)), "--json")
        assert json.loads(again.stdout)["sources"]["testsite"]["unchanged"] == 4

    exported = [json.loads(line) for line in
                run_cli("export", "--db", str(db_path)).stdout.splitlines()]
    titles = sorted(record["title"] for record in exported)
    assert titles == ["Kassamedewerker zaterdag", "Magazijnmedewerker (m/v/x)",
                      "Schoonmaker kantoren (avond)", "Verzorgende IG & helpende plus"]
    assert all(record["status"] == "open" and record["source_urls"] for record in exported)


def test_bad_sources_file_exits_2_with_one_line(run_cli, tmp_path, db_path):
    path = tmp_path / "sources.toml"
    path.write_text('[[source]]\nname = "x"\nkind = "ftp"\n', encoding="utf-8")
    result = run_cli("crawl", "--db", str(db_path), "--sources", str(path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "bron 'x', sleutel 'kind'" in result.stderr
    assert "Traceback" not in result.stderr
