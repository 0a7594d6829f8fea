"""The contract formats on the real postings and profiles of ../shared/data."""

from __future__ import annotations

import itertools
import json

import pytest

from matcher.models import Requirements, Verdict

pytestmark = pytest.mark.shared_data


def postings(shared_data, limit: int | None = None) -> list[dict]:
    with (shared_data / "vacancies_nl_jobboards.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in itertools.islice(lines, limit)]


@pytest.fixture(scope="module")
def extracted(shared_data):
    """`spoorzoeker extract` on all real postings, run once for the module."""
    import subprocess
    import sys
    from pathlib import Path

    path = shared_data / "vacancies_nl_jobboards.jsonl"
    executable = Path(sys.executable).parent / "spoorzoeker"
    return subprocess.run([str(executable), "extract", str(path)], capture_output=True,
                          text=True, timeout=900, check=False)


def test_extract_gives_one_valid_line_per_real_posting(extracted, shared_data):
    assert extracted.returncode == 0, extracted.stderr[-2000:]
    records = postings(shared_data)
    lines = [json.loads(line) for line in extracted.stdout.splitlines()]
    assert [line["id"] for line in lines] == [record["id"] for record in records]
    for line, record in zip(lines, records, strict=True):
        requirements = Requirements.model_validate(line["requirements"])
        text = record["title"] + "\n" + record["description"]
        assert all(demand.evidence in text for demand in requirements.demands), line["id"]
        assert len({demand.code for demand in requirements.demands}) == len(
            requirements.demands)


@pytest.mark.parametrize("profile", ["voorbeeld-administratie", "voorbeeld-magazijn",
                                     "voorbeeld-techniek", "voorbeeld-zorg"])
def test_check_gives_a_verdict_with_reasons_for_each_posting(run_cli, shared_data, extracted,
                                                             profile):
    """Real postings with the requirements `extract` gave, judged for each sample profile."""
    requirements = {json.loads(line)["id"]: json.loads(line)["requirements"]
                    for line in extracted.stdout.splitlines()}
    records = postings(shared_data)
    given = "".join(json.dumps({**r, "requirements": requirements[r["id"]]}) + "\n"
                    for r in records)
    result = run_cli("check", "--profile", str(shared_data / "profiles" / f"{profile}.json"),
                     stdin=given)
    assert result.returncode == 0, result.stderr[-2000:]
    verdicts = [Verdict.model_validate_json(line) for line in result.stdout.splitlines()]
    assert [v.id for v in verdicts] == [r["id"] for r in records]
    for verdict in verdicts:
        assert (verdict.verdict == "geschikt") == (verdict.reasons == [])
        worst = max((r.verdict for r in verdict.reasons),
                    key=["geschikt", "let_op", "ongeschikt"].index, default="geschikt")
        assert verdict.verdict == worst
        assert all(reason.explanation for reason in verdict.reasons)
    assert {v.verdict for v in verdicts} == {"geschikt", "let_op", "ongeschikt"}


@pytest.mark.slow
def test_ingest_and_shortlist_on_real_postings(run_cli, shared_data, tmp_path, db_path):
    sample = tmp_path / "sample.jsonl"
    sample.write_text("".join(json.dumps(r) + "\n" for r in postings(shared_data, 60)),
                      encoding="utf-8")
    ingested = run_cli("ingest", str(sample), "--db", str(db_path), "--quiet")
    assert ingested.returncode == 0, ingested.stderr[-2000:]
    assert ingested.stdout.startswith("Ingelezen: 60 nieuw")
    profile = shared_data / "profiles" / "voorbeeld-administratie.json"
    result = run_cli("shortlist", "--profile", str(profile), "--db", str(db_path), "--json",
                     "--top", "10", env={"SPOORZOEKER_PROFILE_KEY_FILE": str(tmp_path / "k")})
    assert result.returncode == 0, result.stderr[-2000:]
    shortlist = json.loads(result.stdout)
    assert 0 < len(shortlist) <= 10
    for entry in shortlist:
        assert set(entry) == {"id", "title", "employer", "place", "distance_km", "score",
                              "verdict", "reasons", "why"}
        assert entry["verdict"] in {"geschikt", "let_op"}
        assert entry["why"].endswith(".")
    scores = [entry["score"] for entry in shortlist]
    assert scores == sorted(scores, reverse=True)
