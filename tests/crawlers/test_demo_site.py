"""The bundled demo career site: served on 127.0.0.1, every vacancy a complete JobPosting."""

from __future__ import annotations

import html
import json
import re
import socket
import urllib.error
import urllib.request
from datetime import date
from email.utils import format_datetime, parsedate_to_datetime
from importlib.resources import files
from typing import Any
from xml.etree import ElementTree

import lxml.html
import pytest

from crawlers.demo_server import DemoSiteError, serve_demo_site
from profiles.model import Profile

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
TODAY = date(2026, 11, 22)
POSTCODE = re.compile(r"^[1-9]\d{3} ?[A-Z]{2}$")


def get(url: str, headers: dict[str, str] | None = None,
        method: str = "GET") -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


def sitemap_urls(base_url: str) -> dict[str, str]:
    """loc → lastmod of the sitemap the robots.txt names."""
    _, _, robots = get(f"{base_url}/robots.txt")
    sitemap = re.search(r"(?im)^sitemap:\s*(\S+)", robots).group(1)
    _, _, xml = get(sitemap)
    root = ElementTree.fromstring(xml)
    return {u.findtext(f"{SITEMAP_NS}loc"): u.findtext(f"{SITEMAP_NS}lastmod")
            for u in root.iter(f"{SITEMAP_NS}url")}


def microdata_item(scope: Any) -> dict[str, Any]:
    """A microdata item as a dict; nested items become dicts."""
    item: dict[str, Any] = {}
    for prop in scope.xpath(".//*[@itemprop]"):
        owner = prop.getparent()
        while owner is not None and owner.get("itemscope") is None:
            owner = owner.getparent()
        if owner is not scope:
            continue
        if prop.get("itemscope") is not None:
            value: Any = microdata_item(prop)
        elif prop.get("content") is not None:
            value = prop.get("content")
        elif prop.get("datetime") is not None:
            value = prop.get("datetime")
        elif prop.get("href") is not None:
            value = prop.get("href")
        elif prop.get("itemprop") == "description":
            value = lxml.html.tostring(prop, encoding="unicode")
        else:
            value = prop.text_content().strip()
        item[prop.get("itemprop")] = value
    return item


def postings_of(page: str) -> list[tuple[str, dict[str, Any]]]:
    """Every JobPosting on a page with the form it came in: jsonld, graph, list, microdata."""
    document = lxml.html.document_fromstring(page)
    found: list[tuple[str, dict[str, Any]]] = []
    for script in document.xpath('//script[@type="application/ld+json"]'):
        data = json.loads(script.text)
        if isinstance(data, list):
            found += [("list", d) for d in data if d.get("@type") == "JobPosting"]
        elif "@graph" in data:
            found += [("graph", d) for d in data["@graph"] if d.get("@type") == "JobPosting"]
        elif data.get("@type") == "JobPosting":
            found.append(("jsonld", data))
    for scope in document.xpath('//*[@itemscope and contains(@itemtype, "JobPosting")]'):
        found.append(("microdata", microdata_item(scope)))
    return found


@pytest.fixture(scope="module")
def site() -> Any:
    """The running demo site and what it serves: base URL, sitemap, and every page."""
    with serve_demo_site() as base_url:
        urls = sitemap_urls(base_url)
        pages = {url: get(url) for url in urls}
        yield base_url, urls, pages


def vacancy_pages(site: Any) -> dict[str, str]:
    _, _, pages = site
    return {url: body for url, (_, _, body) in pages.items() if "/vacatures/" in url}


def test_every_sitemap_url_is_served_with_the_base_url_filled_in(site):
    base_url, urls, pages = site
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url)
    assert urls and all(url.startswith(base_url + "/") for url in urls)
    for url, (status, headers, body) in pages.items():
        assert status == 200, url
        assert headers["Content-Type"] == "text/html; charset=utf-8", url
        assert "{{BASE_URL}}" not in body, url
        canonical = lxml.html.document_fromstring(body).xpath('//link[@rel="canonical"]/@href')
        assert canonical == [url], url


def test_every_vacancy_page_carries_exactly_one_complete_job_posting(site):
    base_url, _, _ = site
    for url, body in vacancy_pages(site).items():
        postings = postings_of(body)
        assert len(postings) == 1, url
        form, posting = postings[0]
        assert posting["title"].strip(), url
        assert len(html.unescape(posting["description"])) > 300, url
        assert posting["identifier"], url
        date.fromisoformat(posting["datePosted"][:10])
        date.fromisoformat(posting["validThrough"][:10])
        assert posting["employmentType"], url
        assert posting["hiringOrganization"]["name"].strip(), url
        address = posting["jobLocation"]["address"]
        assert address["streetAddress"] and address["addressLocality"], url
        assert POSTCODE.match(address["postalCode"]), url
        country = address["addressCountry"]
        assert (country["name"] if isinstance(country, dict) else country) == "NL", url
        salary = posting["baseSalary"]
        assert salary["currency"] == "EUR", url
        amount = salary["value"]
        assert amount["unitText"] in {"HOUR", "MONTH"}, url
        lowest = float(amount.get("minValue", amount.get("value")))
        assert (14 <= lowest <= 30) if amount["unitText"] == "HOUR" else (2000 <= lowest <= 6000)
        if form != "microdata":
            assert posting["url"] == url, url


def test_postings_come_in_the_forms_real_sites_use(site):
    forms = [postings_of(body)[0][0] for body in vacancy_pages(site).values()]
    assert forms.count("graph") >= 3
    assert forms.count("list") >= 1
    assert forms.count("microdata") == 2
    assert forms.count("jsonld") >= 25
    escaped = [body for body in vacancy_pages(site).values() if "&lt;p&gt;" in body]
    assert len(escaped) == 1
    description = postings_of(escaped[0])[0][1]["description"]
    assert "cliënten" in html.unescape(description)


def test_there_are_enough_vacancies_across_sectors_with_two_expired(site):
    postings = [postings_of(body)[0][1] for body in vacancy_pages(site).values()]
    assert len(postings) >= 36
    assert len({p["industry"] for p in postings}) >= 8
    assert len({p["hiringOrganization"]["name"] for p in postings}) == len(postings)
    expired = [p for p in postings if date.fromisoformat(p["validThrough"][:10]) < TODAY]
    assert len(expired) == 2
    localities = [p["jobLocation"]["address"]["addressLocality"] for p in postings]
    assert sum(place in {"Zoetermeer", "Den Haag", "Delft", "Leiden", "Gouda"}
               for place in localities) >= 25


def test_vacancy_text_is_in_dutch_with_the_usual_headings(site):
    for url, body in vacancy_pages(site).items():
        text = lxml.html.document_fromstring(body).text_content()
        assert "Wat ga je doen?" in text, url
        assert "Wie ben jij?" in text or "Wat vragen wij?" in text, url
        assert "Wat bieden wij?" in text, url


def test_sitemap_lists_pages_without_a_job_posting_too(site):
    _, urls, pages = site
    others = [url for url in urls if "/vacatures/" not in url]
    assert any(url.endswith("/over-ons.html") for url in others)
    for url in others:
        assert postings_of(pages[url][2]) == [], url


def test_index_links_every_open_vacancy(site):
    base_url, urls, pages = site
    _, _, index = pages[base_url + "/"]
    document = lxml.html.document_fromstring(index)
    hrefs = document.xpath('//a[starts-with(@href, "/vacatures/")]/@href')
    links = {base_url + href for href in hrefs}
    open_ = {url for url, body in vacancy_pages(site).items()
             if date.fromisoformat(postings_of(body)[0][1]["validThrough"][:10]) >= TODAY}
    assert links == open_


def test_robots_names_the_sitemap_and_keeps_crawlers_out_of_search(site):
    base_url, _, _ = site
    status, headers, robots = get(f"{base_url}/robots.txt")
    assert status == 200
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert f"Sitemap: {base_url}/sitemap.xml" in robots
    assert "Disallow: /zoeken" in robots
    _, headers, _ = get(f"{base_url}/sitemap.xml")
    assert headers["Content-Type"] == "application/xml; charset=utf-8"


def test_unknown_paths_are_404(site):
    base_url, _, _ = site
    for path in ("/bestaat-niet.html", "/vacatures/orderpicker-zoetermeer-9999.html",
                 "/zoeken?q=orderpicker", "/../pyproject.toml"):
        status, _, body = get(base_url + path)
        assert status == 404, path
        assert "Pagina niet gevonden" in body


def test_pages_answer_with_last_modified_from_the_sitemap(site):
    base_url, urls, pages = site
    url = next(url for url in urls if url.endswith("-1002.html"))
    _, headers, _ = pages[url]
    assert parsedate_to_datetime(headers["Last-Modified"]).date() == date.fromisoformat(urls[url])
    status, _, body = get(url, {"If-Modified-Since": headers["Last-Modified"]})
    assert (status, body) == (304, "")
    status, _, body = get(url, {"If-Modified-Since": "Sun, 01 Nov 2026 08:00:00 GMT"})
    assert status == 200 and body == pages[url][2]
    status, head_headers, body = get(url, method="HEAD")
    assert status == 200 and body == ""
    assert head_headers["Content-Length"] == headers["Content-Length"]


def test_server_stops_when_the_block_ends():
    with serve_demo_site() as base_url:
        assert get(base_url + "/")[0] == 200
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base_url + "/", timeout=2)


def test_two_servers_run_side_by_side_on_their_own_ports():
    with serve_demo_site() as first, serve_demo_site() as second:
        assert first != second
        assert f"Sitemap: {second}/sitemap.xml" in get(second + "/robots.txt")[2]


def test_a_port_in_use_gives_a_dutch_error_not_a_traceback():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(DemoSiteError, match="kan niet starten"), serve_demo_site(port=port):
            pass


def test_site_is_package_data_beside_the_server():
    root = files("crawlers") / "demo_site"
    names = [entry.name for entry in (root / "vacatures").iterdir()]
    assert len([name for name in names if name.endswith(".html")]) >= 36
    assert (root / "robots.txt").is_file() and (root / "sitemap.xml").is_file()


def test_demo_profile_is_a_valid_capability_profile():
    profile = Profile.model_validate_json((files("config") / "demo_profile.json").read_text(
        encoding="utf-8"))
    assert profile.postcode == "2711"
    assert profile.limitation("IV.13").value == 10
    assert "nacht" in profile.limitation("VI.1").conditions
    assert profile.hours_per_week_max == 32


def test_last_modified_header_is_a_real_http_date():
    with serve_demo_site() as base_url:
        _, headers, _ = get(base_url + "/over-ons.html")
    stamp = parsedate_to_datetime(headers["Last-Modified"])
    assert format_datetime(stamp, usegmt=True) == headers["Last-Modified"]
    assert stamp.date() == date(2026, 9, 1)


def test_the_demo_profile_sees_a_local_set_and_a_few_far_away(site):
    """Every address resolves; most open vacancies lie within the demo profile's radius."""
    from vacancies import geo

    profile = Profile.model_validate_json((files("config") / "demo_profile.json").read_text(
        encoding="utf-8"))
    home = geo.locate(postcode=profile.postcode)
    near, far = 0, 0
    for url, body in vacancy_pages(site).items():
        posting = postings_of(body)[0][1]
        address = posting["jobLocation"]["address"]
        where = geo.locate(address["addressLocality"], postcode=address["postalCode"])
        assert where is not None and where.kind == "pc4", url
        if date.fromisoformat(posting["validThrough"][:10]) < TODAY:
            continue
        if geo.distance_km(home, where) <= profile.max_travel_km:
            near += 1
        else:
            far += 1
    assert near >= 30
    assert 3 <= far <= 6


@pytest.mark.slow
def test_the_demo_profile_gets_all_three_verdicts_for_the_right_reasons():
    """What the quick start shows: geschikt, let_op and ongeschikt, each for a clear reason."""
    from crawlers.parsers.jobposting import parse_page
    from matcher.requirements import extract_many
    from matcher.suitability import judge

    profile = Profile.model_validate_json((files("config") / "demo_profile.json").read_text(
        encoding="utf-8"))
    with serve_demo_site() as base_url:
        urls = [url for url in sitemap_urls(base_url) if "/vacatures/" in url]
        vacancies = [parse_page(get(url)[2], url=url, source="demo").vacancies[0] for url in urls]
    requirements = extract_many((v.title, v.description) for v in vacancies)
    verdicts = {v.id.rsplit("-", 1)[-1]: judge(vacancy_id=v.id, requirements=r, profile=profile,
                                               today=TODAY)
                for v, r in zip(vacancies, requirements, strict=True)}
    counts = {name: sum(v.verdict == name for v in verdicts.values())
              for name in ("geschikt", "let_op", "ongeschikt")}
    assert min(counts.values()) >= 6, counts

    def reasons(number: str) -> set[tuple[str | None, str]]:
        return {(reason.demand, reason.verdict) for reason in verdicts[number].reasons}

    assert ("tillen", "ongeschikt") in reasons("1001")  # dozen tot 20 kilo, limit 10 kg
    assert ("tillen", "ongeschikt") in reasons("1032")  # pakketten tot 23 kilo
    assert ("nachtdienst", "ongeschikt") in reasons("1005")
    assert verdicts["1002"].verdict == "let_op"  # "fysiek actief werk" is vague, never geschikt
    for number in ("1003", "1007", "1025"):  # no tilwerk, desk work, office work
        assert verdicts[number].verdict == "geschikt", (number, verdicts[number].reasons)
