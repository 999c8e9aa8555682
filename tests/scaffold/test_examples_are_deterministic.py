"""Every scaffolded example passes durable-mcp's own replay-determinism check, in every language.

The generated code is what agents copy from: a clock read, a random id or a branch outside a step in it
would teach the very bug the validator exists to catch. The check replays each invocation with the clock
and random sources perturbed and crashes the run before each checkpoint in turn.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scaffold.projects import EXAMPLE_RUNS, LANGUAGES, example_handler

pytestmark = [pytest.mark.node, pytest.mark.slow]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", list(EXAMPLE_RUNS))
def test_example_is_deterministic_under_replay_and_crashes(case: str, language: str, tmp_path: Path) -> None:
    pattern, payload, extra = EXAMPLE_RUNS[case]
    handler = example_handler(language, pattern, tmp_path)

    done = subprocess.run(
        [sys.executable, "-m", "durable_mcp", "check-determinism", f"{handler}:handler", "--input", payload,
         "--format", "json", *extra],
        capture_output=True, text=True, timeout=600, check=False,
    )

    assert done.returncode == 0, f"exit {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}"
    report = json.loads(done.stdout)
    assert report["deterministic"] is True
    assert report["divergences"] == []
    assert report["interruption"]["interruptions_run"] >= 1
