from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"


@pytest.fixture
def corpus() -> Path:
    return CORPUS

# The corpus holds sample handlers and tests to be analysed, never run.
collect_ignore_glob = ["corpus/*"]
