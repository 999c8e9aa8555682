"""Every scaffolded example, in every language, produces the execution history kept beside it.

Each case dry-runs the generated handler with ``durable-mcp run`` (Python in a fresh process, TypeScript
and JavaScript under Node) and compares the history with ``golden/<case>.<language>.json``. The
history is kept as the service reports it, minus what changes on every run: timestamps, request and
callback ids, stack traces, and the operation ids themselves (each operation sits under its parent
instead). Children of a map or parallel are sorted by name, as the Python SDK runs them on threads.

A change to the engine or to a template that alters a history fails here; when the change is meant,
regenerate with ``DURABLE_MCP_UPDATE_GOLDEN=1 pytest tests/scaffold/test_golden_histories.py`` and
review the diff. The same example must also do the same thing in every language: the top-level
operations, their outcomes and the result agree across the three files of a case.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.scaffold.projects import EXAMPLE_RUNS, LANGUAGES, example_handler

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DURABLE_MCP_UPDATE_GOLDEN") == "1"

_VOLATILE = frozenset({"ScheduledEndTimestamp", "CallbackId", "StackTrace"})
_CONCURRENT = frozenset({"Map", "Parallel"})


def dry_run(handler: Path, payload: str, extra: list[str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "durable_mcp", "run", f"{handler}:handler", "--input", payload, "--format", "json",
         *extra],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode in (0, 1), f"durable-mcp run failed ({done.returncode}):\n{done.stderr[-3000:]}"
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        cleaned = {key: _clean(item) for key, item in value.items() if key not in _VOLATILE}
        payload = cleaned.get("Payload")
        if isinstance(payload, str):
            with contextlib.suppress(ValueError):  # a payload that is not JSON stays text
                cleaned["Payload"] = json.loads(payload)
        return cleaned
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def normalised(report: dict[str, Any]) -> dict[str, Any]:
    """The history as a tree of operations, without what differs between two runs of the same code."""
    operations: dict[str, dict[str, Any]] = {}
    children: dict[str | None, list[str]] = {}
    invocations = 0
    execution: list[dict[str, Any]] = []
    for event in report["events"]:
        kind = event["EventType"]
        details = next((value for key, value in event.items() if key.endswith("Details")), {})
        if kind == "InvocationCompleted":
            invocations += 1
            continue
        if kind.startswith("Execution"):
            execution.append({"event": kind, **_clean(details)})
            continue
        op_id = event["Id"]
        if op_id not in operations:
            operations[op_id] = {"type": event.get("SubType"), "name": event.get("Name"), "events": []}
            children.setdefault(event.get("ParentId"), []).append(op_id)
        operations[op_id]["events"].append({"event": kind, **_clean(details)})

    def subtree(parent: str | None, parent_type: str | None) -> list[dict[str, Any]]:
        ids = children.get(parent, [])
        if parent_type in _CONCURRENT:
            ids = sorted(ids, key=lambda op_id: (operations[op_id]["name"] or "", op_id))
        return [
            {**operations[op_id], "children": subtree(op_id, operations[op_id]["type"])} for op_id in ids
        ]

    return {"status": report["status"], "invocations": invocations, "execution": execution,
            "operations": subtree(None, None)}


def golden_path(case: str, language: str) -> Path:
    return GOLDEN / f"{case}.{language}.json"


@pytest.mark.node
@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", list(EXAMPLE_RUNS))
def test_example_history_matches_its_golden_file(case: str, language: str, tmp_path: Path) -> None:
    pattern, payload, extra = EXAMPLE_RUNS[case]
    actual = normalised(dry_run(example_handler(language, pattern, tmp_path), payload, extra))
    path = golden_path(case, language)
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert path.is_file(), f"no golden history {path.name}: run with DURABLE_MCP_UPDATE_GOLDEN=1 and review it"
    assert actual == json.loads(path.read_text(encoding="utf-8"))


def outline(history: dict[str, Any]) -> dict[str, Any]:
    """What the example does, whatever its language: status, top-level operations and how each ended."""
    end = history["execution"][-1]
    return {
        "status": history["status"],
        "result": end.get("Result", {}).get("Payload"),
        "operations": [(op["type"], op["name"], op["events"][-1]["event"]) for op in history["operations"]],
    }


@pytest.mark.parametrize("case", list(EXAMPLE_RUNS))
def test_every_language_does_the_same_thing(case: str) -> None:
    outlines = {language: outline(json.loads(golden_path(case, language).read_text())) for language in LANGUAGES}
    assert outlines["typescript"] == outlines["python"]
    assert outlines["javascript"] == outlines["python"]
