"""Every command a user can type is documented in the README (as sqlite-utils checks)."""

from __future__ import annotations

import argparse

import pytest

from cli import build_parser
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def commands() -> list[str]:
    found: list[str] = []

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found.append(f"{prefix} {name}")
                    walk(sub, f"{prefix} {name}")

    walk(build_parser(), "spoorzoeker")
    return found


@pytest.mark.parametrize("command", commands())
def test_command_is_in_the_readme(command):
    assert command in README, f"README.md does not show '{command}'"


def test_the_scheduler_is_in_the_readme():
    assert "spoorzoeker-scheduler" in README
