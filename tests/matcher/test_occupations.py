"""The job-title knowledge base as data: families, trade diplomas and licences."""

from __future__ import annotations

import json

import pytest

from matcher.occupations import load_families, load_title_kb
from matcher.ranking import related_occupations
from vacancies.errors import ConfigError


def test_families_trades_and_licences_come_from_the_knowledge_base():
    kb = {o.name: o for o in load_title_kb()}
    assert "reachtruckchauffeur" in related_occupations("orderpicker")
    assert "orderpicker" in related_occupations("reachtruckchauffeur")  # symmetric
    assert "orderpicker" not in related_occupations("orderpicker")
    assert kb["verzorgende"].trade_diploma and not kb["orderpicker"].trade_diploma
    assert kb["vrachtwagenchauffeur"].licence == "C" and kb["orderpicker"].licence is None


def test_a_family_naming_an_unknown_occupation_is_a_clear_error(tmp_path):
    path = tmp_path / "occupations.json"
    path.write_text(json.dumps({
        "families": [["kok", "sterrenkok"]],
        "occupations": [{"name": "kok", "variants": ["kok"], "demands": ["staan"]}]}),
        encoding="utf-8")
    with pytest.raises(ConfigError, match="sterrenkok"):
        load_families(path)
