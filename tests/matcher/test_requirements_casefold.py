"""The fast path of requirement extraction: case-sensitive patterns on lower-cased text.

matcher.requirements matches its case-insensitive patterns on lower-cased text
with case-sensitive copies where that gives the very same matches. These tests
hold that promise for every pattern of the real configuration, on texts with
mixed case, accents and punctuation, and check that the odd characters and
patterns that would break it take the slow, sure way.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.requirements import (
    _component,
    _for_lowered,
    _plain_text,
    _search,
    build_pipeline,
)


def all_patterns() -> list[re.Pattern[str]]:
    rules = _component(build_pipeline()).rules
    found: list[re.Pattern[str]] = []
    for items in rules.patterns.values():
        for pattern in items:
            found.append(pattern.regex)
            if pattern.requires is not None:
                found.append(pattern.requires)
    found += list(rules.code_regex.values()) + list(rules.reassurance.values())
    found += list(rules.distractors.values()) + [rules.worker, rules.apply_sentence,
                                                 rules.not_negating, rules.negation_after,
                                                 rules.screen_terms]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, re.Pattern):
            found.append(node)
    walk(rules.fields)
    return found


PATTERNS = all_patterns()

WORDS = ("Je", "TILT", "zware", "Dozen", "tot", "25", "kg", "geen", "Nachtdienst", "weekend",
         "ervaring", "MBO", "niveau", "3", "rijbewijs", "B", "is", "een", "pré", "klanten",
         "Bezoek", "op", "de", "Hele", "dag", "Staan", "32-38", "uur", "per", "week", "fte",
         "0,8", "Wat", "bieden", "wij?", "café", "één", "ÉÉN", "overdag", "BUITEN", "ladders",
         "22:00", "06:00", "you", "Lifting", "SOLLICITEER", "hbo", "werk-", "en", "denkniveau")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14),
       st.lists(st.sampled_from([" ", " ", " ", ", ", ". ", "; ", "\n", " - ", ": "]),
                min_size=14, max_size=14))
def test_lower_case_forms_match_where_the_originals_match(words, joiners):
    text = "".join(word + joiner for word, joiner in zip(words, joiners, strict=False))
    assert _plain_text(text)
    lowered = text.lower()
    for regex in PATTERNS:
        slow = regex.search(text)
        fast = _search(regex, text, lowered)
        assert (slow is None) == (fast is None), regex.pattern[:80]
        if slow is not None and fast is not None:
            assert slow.span() == fast.span(), regex.pattern[:80]


def test_most_configured_patterns_have_a_fast_form():
    fast = [regex for regex in PATTERNS if _for_lowered(regex) is not None]
    assert len(fast) >= 0.9 * len(PATTERNS)


def test_patterns_that_name_capitals_or_switch_case_keep_their_original_form():
    assert _for_lowered(re.compile(r"rijbewijs (?:B|C)\b", re.IGNORECASE)) is None
    assert _for_lowered(re.compile(r"[A-Z]{2}", re.IGNORECASE)) is None
    assert _for_lowered(re.compile(r"tillen (?-i:KG)", re.IGNORECASE)) is None
    assert _for_lowered(re.compile(r"tillen", 0)) is None  # already case-sensitive
    assert _for_lowered(re.compile(r"\btil(?:t|len)\b \d+ kg", re.IGNORECASE)) is not None


def test_text_with_odd_case_rules_is_not_plain_and_is_matched_the_slow_way():
    # the long s matches 's' case-insensitively, the micro sign the Greek mu; the
    # dotted capital I lower-cases to two characters
    for text in ("Je werkt in ploegendienſt", "Deeltjes van 5 µm", "İstanbul"):
        assert not _plain_text(text)
    # the Kelvin sign lower-cases to a plain 'k', as the pattern engine folds it
    assert _plain_text("Café-medewerker, één dag per week, 25 \u212ag – “zwaar” €")
    regex = re.compile(r"ploegendienst", re.IGNORECASE)
    assert _search(regex, "In ploegendienſt", None) is not None
