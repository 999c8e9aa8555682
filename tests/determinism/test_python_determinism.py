"""The determinism check on Python handlers: silent on correct ones, names the line on faulty ones."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from durable_mcp.determinism import check_determinism

HANDLERS = Path(__file__).parent / "handlers"


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_handler_reading_sources_only_inside_steps_is_deterministic() -> None:
    report = check_determinism(f"{HANDLERS / 'steady.py'}:handler", interruptions=False)
    assert report.status == "SUCCEEDED"
    assert report.invocations == 3
    assert report.deterministic
    assert report.divergences == []


@pytest.mark.parametrize(
    ("handler", "kind", "source", "marker"),
    [
        ("clock_branch.py", "operation", "datetime.now", "datetime.now()"),
        ("random_name.py", "operation", "random.randint", "random.randint"),
        ("uuid_result.py", "result", "uuid.uuid4", "uuid.uuid4()"),
    ],
)
def test_reads_outside_steps_are_found_with_their_line(handler: str, kind: str, source: str, marker: str) -> None:
    path = HANDLERS / handler
    report = check_determinism(f"{path}:handler", json.dumps({"amount": 1}), interruptions=False)
    assert not report.deterministic
    divergence = report.divergences[0]
    assert divergence.kind == kind
    assert [(read.source, read.line) for read in divergence.sources] == [(source, line_of(path, marker))]
    assert divergence.line == f"{path}:{line_of(path, marker)}"


def test_operation_divergence_names_position_and_both_operations() -> None:
    report = check_determinism(f"{HANDLERS / 'clock_branch.py'}:handler", interruptions=False)
    divergence = report.divergences[0]
    assert divergence.invocation == 2
    assert divergence.position == 3
    assert divergence.expected is not None and divergence.actual is not None
    assert {divergence.expected.name, divergence.actual.name} == {"greet-morning", "greet-evening"}


@pytest.mark.slow
def test_interruptions_show_repeated_step_code_but_the_same_outcome() -> None:
    report = check_determinism(f"{HANDLERS / 'steady.py'}:handler", max_interruptions=3)
    assert report.deterministic
    interruption = report.interruption
    assert interruption is not None
    assert interruption.checkpoints == 5
    assert interruption.interruptions_run == 3
    assert {finding.kind for finding in interruption.findings} == {"ran_twice"}
    assert [finding.step for finding in interruption.findings] == ["new-order-id", "started-at"]
    assert set(interruption.volatile_steps) == {"new-order-id", "started-at"}


def test_step_stubs_are_honoured_and_replace_step_code() -> None:
    report = check_determinism(
        f"{HANDLERS / 'uuid_result.py'}:handler",
        json.dumps({"amount": 1}),
        stub_steps={"double": 5},
        max_interruptions=1,
    )
    assert report.divergences[0].kind == "result"
    assert '"total": 5' in report.divergences[0].message  # the stub, not amount * 2


def test_cli_prints_json_and_exits_1_on_divergence() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "durable_mcp",
            "check-determinism",
            f"{HANDLERS / 'random_name.py'}:handler",
            "--format",
            "json",
            "--no-interruptions",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert document["deterministic"] is False
    assert document["divergences"][0]["sources"][0]["source"] == "random.randint"


@pytest.mark.slow
def test_chained_invoke_targets_run_for_real() -> None:
    report = check_determinism(
        f"{HANDLERS / 'chained.py'}:handler",
        json.dumps({"amount": 4}),
        functions={"echo": f"{HANDLERS / 'echo.py'}:handler"},
        max_interruptions=2,
    )
    assert report.status == "SUCCEEDED"
    assert report.deterministic, report.model_dump_json(indent=2)
    assert report.invocations == 2  # the invoke suspends the caller until the target ends


def test_a_stubbed_chained_invoke_target_needs_no_function() -> None:
    report = check_determinism(
        f"{HANDLERS / 'chained.py'}:handler",
        json.dumps({"amount": 4}),
        stub_invokes={"echo": {"doubled": 8}},
        max_interruptions=2,
    )
    assert report.status == "SUCCEEDED", report.model_dump_json(indent=2)
    assert report.deterministic, report.model_dump_json(indent=2)
    assert report.invocations == 2


def test_map_items_starting_in_another_order_are_not_a_divergence(monkeypatch: pytest.MonkeyPatch) -> None:
    # The items run on threads, so the order their operations start in changes from run to run; an
    # operation is identified by its id (its place under its parent), not by that order.
    monkeypatch.delenv("EXTRA_RANDOM_NAME", raising=False)
    report = check_determinism(f"{HANDLERS / 'map_items.py'}:handler")
    assert report.status == "SUCCEEDED"
    assert report.deterministic, report.divergences
    assert report.interruption is not None
    assert not [f for f in report.interruption.findings if f.kind != "ran_twice"]


def test_a_random_name_inside_one_map_item_is_still_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRA_RANDOM_NAME", "1")
    report = check_determinism(f"{HANDLERS / 'map_items.py'}:handler", interruptions=False)
    assert not report.deterministic
    [divergence] = report.divergences
    assert divergence.kind == "operation"
    assert divergence.expected is not None and divergence.expected.name.startswith("double-2-")
    assert divergence.actual is not None and divergence.actual.name.startswith("double-2-")
    assert divergence.expected.name != divergence.actual.name
