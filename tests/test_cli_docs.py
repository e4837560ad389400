"""Every command documents itself (sqlite-utils' rule): help text, an Example block, help on each option."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from xlsform.cli import main

COMMANDS = sorted(main.commands)


def test_the_round_has_all_its_commands() -> None:
    assert {"specs", "describe", "generate", "read", "check", "status", "merge"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_has_an_example_and_every_option_is_explained(name: str) -> None:
    command = main.commands[name]
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    undocumented = [p.name for p in command.params if isinstance(p, click.Option) and not p.help]
    assert not undocumented, f"{name}: options without help: {undocumented}"


@pytest.mark.parametrize("name", ["generate", "check", "status", "merge"])
def test_batch_commands_use_every_core_unless_told(name: str) -> None:
    jobs = next(p for p in main.commands[name].params if p.name == "jobs")
    assert jobs.default is None and "全部 CPU 核心" in (jobs.help or "")   # None -> os.cpu_count()
