"""Benchmark: crawl throughput of the full pipeline next to a bare Scrapy spider.

Writes a local career site of 5,000 vacancy pages (schema.org JobPosting in
JSON-LD, a sitemap, robots.txt), serves it from a separate process on
127.0.0.1, and crawls it in the same run, alternately:
- `bare`: a plain Scrapy SitemapSpider that yields the URL and size of each page;
- `full`: `crawlers.run.crawl` as `spoorzoeker crawl` runs it: parse, language
  check, dedup (MinHash LSH), store in SQLite, page notes, JOBDIR. Parsing,
  the language check, dedup and storing run in the ingest process beside
  Scrapy's (`crawlers.ingest`); its CPU time is reported too, start-up and
  loading the finder included.
Both use the same download settings (robots.txt obeyed, no delay, no
AutoThrottle, 16 parallel requests), so the difference is our own work. Each
crawl runs in a fresh process; time runs from the first response to the
spider's close (after the last batch is written), so start-up is left out.

The site's server (Python's `http.server`) speaks HTTP/1.1 and keeps connections
open, as job sites do. `--protocol HTTP/1.0` makes it close every connection
after one page (as this bench did at first): both spiders then also
pay a TCP connection per page, and the server's extra CPU on our two cores
weighs on the two-process crawl more than on the bare spider.

    .venv/bin/python bench/crawl.py [--pages 5000] [--rounds 2] [--protocol HTTP/1.1]

Target (issue 7): full >= 0.8 x bare items per second.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CONCURRENCY = 16
WORDS = str.split("magazijn orders klanten team collega's dienst rooster salaris ervaring "
                  "palletwagen "
         "scanner kwaliteit productie lijn machine schoonmaak kantoor telefoon planning "
         "chauffeur route levering zorg cliënten bewoners keuken gasten kassa winkel "
         "schappen voorraad administratie facturen rapportage veiligheid opleiding")
PATTERNS = ["Je werkt met de {} en de {} in het team van {}.",
            "Wij zoeken een collega voor de {} die ook de {} en {} doet.",
            "Bij ons is de {} belangrijk, net als de {} en het {}.",
            "Je bent flexibel in de {} en je hebt ervaring met {} of {}.",
            "Op een dag help je met de {}, de {} en soms met {}."]
TOWNS = ["Zoetermeer", "Delft", "Gouda", "Leiden", "Den Haag", "Rotterdam", "Utrecht",
         "Waddinxveen", "Rijswijk", "Bleiswijk", "Pijnacker", "Leiderdorp", "Bodegraven"]
TITLES = ["Magazijnmedewerker", "Orderpicker", "Productiemedewerker", "Schoonmaker",
          "Kassamedewerker", "Chauffeur", "Verzorgende IG", "Kok", "Receptionist",
          "Administratief medewerker", "Planner", "Beveiliger"]


def vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    """Made-up words, so that pages differ as much as real vacancies do."""
    syllables = ["ba", "de", "ko", "mi", "ver", "sto", "lan", "gen", "pel", "rui", "tor",
                 "wa", "zen", "hof", "aal", "kin", "op", "ster", "dal", "mo"]
    return sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
                   for _ in range(size)})


def write_site(folder: Path, *, pages: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    words = WORDS + vocabulary(rng)
    (folder / "v").mkdir(parents=True)
    locs = []
    for number in range(pages):
        sentences = [rng.choice(PATTERNS).format(*(rng.choice(words) for _ in range(3)))
                     for _ in range(rng.randint(20, 35))]
        title = f"{rng.choice(TITLES)} {number}"
        posting = {
            "@context": "https://schema.org", "@type": "JobPosting", "identifier": str(number),
            "title": title, "datePosted": "2026-11-20", "validThrough": "2027-03-01",
            "description": "<p>Je werkt bij ons in het team en je helpt de collega's.</p><p>"
                           + "</p><p>".join(sentences) + "</p>",
            "hiringOrganization": {"@type": "Organization", "name": f"Werkgever {number % 97}"},
            "jobLocation": {"@type": "Place", "address": {
                "@type": "PostalAddress", "addressLocality": f"{rng.choice(TOWNS)} {number}"}},
            "employmentType": "FULL_TIME"}
        page = ('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">'
                f"<title>{title}</title><script type=\"application/ld+json\">"
                f"{json.dumps(posting, ensure_ascii=False)}</script></head><body>"
                f"<h1>{title}</h1><nav>" + " ".join(f'<a href="/v/{n}.html">x</a>'
                                                  for n in range(20)) + "</nav></body></html>")
        (folder / "v" / f"{number}.html").write_text(page, encoding="utf-8")
        locs.append(f"<url><loc>{{base}}/v/{number}.html</loc></url>")
    (folder / "sitemap.template").write_text("".join(locs), encoding="utf-8")


def serve(folder: Path, *, protocol: str = "HTTP/1.1") -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    urls = (folder / "sitemap.template").read_text(encoding="utf-8").replace("{base}", base)
    (folder / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
        f'sitemap/0.9">{urls}</urlset>', encoding="utf-8")
    (folder / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n",
                                       encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                               "127.0.0.1", "--directory", str(folder), "--protocol", protocol],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server, base
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the bench site did not start")


class Clock:
    """First response to spider close, through Scrapy's signals."""

    def __init__(self) -> None:
        self.first: float | None = None
        self.closed: float | None = None
        self.cpu_first = self.cpu_closed = 0.0

    def attach(self, crawler) -> None:  # noqa: ANN001
        from scrapy import signals

        crawler.signals.connect(self.response, signal=signals.response_received)
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    def response(self, **_: object) -> None:
        if self.first is None:
            self.first = time.perf_counter()
            self.cpu_first = time.process_time()

    def close(self, **_: object) -> None:
        self.closed = time.perf_counter()
        self.cpu_closed = time.process_time()

    @property
    def seconds(self) -> float:
        return (self.closed or 0.0) - (self.first or 0.0)

    @property
    def cpu(self) -> float:
        """CPU seconds of the crawling process over the same span (a shared machine's
        load changes wall time, much less this)."""
        return self.cpu_closed - self.cpu_first


CLOCK = Clock()


def worker_bare(base: str) -> dict[str, float]:
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiders import SitemapSpider

    from config import Settings
    from crawlers.run import scrapy_settings

    counted = {"items": 0}

    class BareSpider(SitemapSpider):
        name = "bare"
        sitemap_urls = [f"{base}/sitemap.xml"]

        def parse(self, response, **kwargs):  # noqa: ANN001, ANN201 (Scrapy's signature)
            counted["items"] += 1
            yield {"url": response.url, "size": len(response.body)}

    settings = scrapy_settings(settings=Settings(db=Path(tempfile.mkdtemp()) / "unused.sqlite",
                                                 crawl_autothrottle=False, download_delay=0,
                                                 concurrency_per_domain=CONCURRENCY,
                                                 log_level="ERROR"))
    settings.update(ITEM_PIPELINES={}, CONCURRENT_REQUESTS=CONCURRENCY)
    process = CrawlerProcess(settings, install_root_handler=False)
    crawler = process.create_crawler(BareSpider)
    CLOCK.attach(crawler)
    process.crawl(crawler)
    process.start()
    return {"items": counted["items"], "seconds": CLOCK.seconds, "cpu": CLOCK.cpu}


def worker_full(base: str, *, resumable: bool = True) -> dict[str, Any]:
    from config import Settings
    from crawlers.run import crawl
    from crawlers.sources import Source

    folder = Path(tempfile.mkdtemp())
    settings = Settings(db=folder / "bench.sqlite", crawl_autothrottle=False, download_delay=0,
                        concurrency_per_domain=CONCURRENCY, log_level="ERROR",
                        crawl_resumable=resumable)
    source = Source(name="bench", kind="jobposting", sitemap=f"{base}/robots.txt",
                    download_delay=0.0, concurrency=CONCURRENCY)
    reports = crawl(sources=[source], settings=settings, on_crawler=CLOCK.attach)
    report = reports["bench"]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the ingest, waited for
    return {"items": report.items, "seconds": CLOCK.seconds, "cpu": CLOCK.cpu,
            "ingest_cpu": children.ru_utime + children.ru_stime, "new": report.new,
            "duplicates": report.duplicates, "errors": sum(report.errors.values()),
            "error_kinds": dict(report.errors)}


def server_cpu(pid: int) -> float:
    """CPU seconds the site's server process has used so far (Linux: /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def run_worker(kind: str, base: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--worker", kind, base], cwd=REPO,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--protocol", choices=["HTTP/1.1", "HTTP/1.0"], default="HTTP/1.1",
                        help="HTTP/1.0: the site closes every connection after one page")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "BASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, base = args.worker
        workers = {"bare": worker_bare, "full": worker_full,
                   "full-nojobdir": lambda base: worker_full(base, resumable=False)}
        print(json.dumps(workers[kind](base)))
        return
    folder = Path(tempfile.mkdtemp()) / "site"
    started = time.perf_counter()
    write_site(folder, pages=args.pages)
    print(f"site: {args.pages} vacancy pages written in {time.perf_counter() - started:.1f} s")
    server, base = serve(folder, protocol=args.protocol)
    print(f"server: http.server, {args.protocol}")
    rates: dict[str, list[float]] = {"bare": [], "full": [], "full-nojobdir": []}
    cpu_ms: dict[str, list[float]] = {kind: [] for kind in rates}
    ingest_ms: dict[str, list[float]] = {kind: [] for kind in rates if kind != "bare"}
    server_ms: dict[str, list[float]] = {kind: [] for kind in rates}
    try:
        for round_number in range(1, args.rounds + 1):
            for kind in rates:
                served_before = server_cpu(server.pid)
                result = run_worker(kind, base)
                served = 1000 * (server_cpu(server.pid) - served_before) / max(result["items"], 1)
                server_ms[kind].append(served)
                rate = result["items"] / result["seconds"]
                rates[kind].append(rate)
                cpu_ms[kind].append(1000 * result["cpu"] / max(result["items"], 1))
                extra = f", the site's server {served:.2f} ms"
                if kind != "bare":
                    ingest_ms[kind].append(1000 * result["ingest_cpu"] / max(result["items"], 1))
                    extra += (f" + {ingest_ms[kind][-1]:.2f} ms in the ingest process, "
                             f"{result['new']:.0f} new, {result['duplicates']:.0f} duplicates, "
                             f"{result['errors']:.0f} errors {result.get('error_kinds')}")
                print(f"round {round_number} {kind:13}: {result['items']:.0f} items in "
                      f"{result['seconds']:.1f} s = {rate:.0f} items/s, "
                      f"{cpu_ms[kind][-1]:.2f} ms CPU per item{extra}")
    finally:
        server.terminate()
        server.wait()
    bare, full = statistics.median(rates["bare"]), statistics.median(rates["full"])
    light = statistics.median(rates["full-nojobdir"])
    ratio = full / bare
    print(f"median: bare {bare:.0f} items/s, full (parse+dedup+store, JOBDIR) {full:.0f} "
          f"items/s, without JOBDIR {light:.0f} items/s")
    print(f"ratio full/bare {ratio:.2f}, without JOBDIR {light / bare:.2f} (target >= 0.80): "
          f"{'OK' if ratio >= 0.8 else 'BELOW TARGET'}")
    print("median CPU per item in the crawling process: " + ", ".join(
        f"{kind} {statistics.median(values):.2f} ms" for kind, values in cpu_ms.items()))
    print("median CPU per item in the ingest process: " + ", ".join(
        f"{kind} {statistics.median(values):.2f} ms" for kind, values in ingest_ms.items()))
    print(f"median CPU per item in the site's server ({args.protocol}, on the same two cores): "
          + ", ".join(f"{kind} {statistics.median(values):.2f} ms"
                      for kind, values in server_ms.items()))


if __name__ == "__main__":
    main()
