"""One case per official conformance requirement, run on our engine with the suite's matching rules.

The requirement YAMLs are read from ``../shared/conformance`` next to the repository (override with
``DURABLE_CONFORMANCE_DIR``; ``tools/fetch_conformance.py`` explains how to get them). Requirements
our engine cannot pass are listed in ``KNOWN_GAPS`` with the reason, and run as strict xfails so a
fixed gap shows up as an unexpected pass.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conformance.driver import TERMINAL_STATUSES, RunningExecution, start_execution
from tests.conformance.matcher import Matcher, generate_variables, match_logs, parse_log_records, substitute

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE_DIR = Path(os.environ.get("DURABLE_CONFORMANCE_DIR", REPO_ROOT.parent / "shared" / "conformance"))
REQUIREMENTS_DIR = CONFORMANCE_DIR / "test_requirements"

if not REQUIREMENTS_DIR.is_dir():
    pytest.skip(
        f"conformance requirements not found at {REQUIREMENTS_DIR}; set DURABLE_CONFORMANCE_DIR or run "
        "`python tools/fetch_conformance.py`",
        allow_module_level=True,
    )

# Requirement id -> why our engine cannot pass it (true of the engine at the time of writing).
KNOWN_GAPS: dict[str, str] = {}

# Upper bound on settle rounds: each round answers callbacks or lets one batch of timers fire.
_MAX_ROUNDS = 200


def _requirement_key(path: Path) -> tuple[int, int]:
    major, minor = path.stem.split("-")
    return int(major), int(minor)


def _requirements() -> list[Any]:
    cases = []
    for path in sorted(REQUIREMENTS_DIR.glob("*/*.yaml"), key=_requirement_key):
        marks = []
        if path.stem in KNOWN_GAPS:
            marks.append(pytest.mark.xfail(reason=KNOWN_GAPS[path.stem], strict=True))
        cases.append(pytest.param(path, id=f"{path.parent.name}/{path.stem}", marks=marks))
    return cases


@dataclass
class _Scheduled:
    due: float
    callback_id: str
    action: dict[str, Any]


@dataclass
class _CallbackResponder:
    """Answers CallbackStarted events like the official runner: the first unused action whose
    CallbackName fits (name, ``*`` or regex), ``Delay`` virtual seconds after the callback started.
    A heartbeat does not use the callback up: the next fitting action is scheduled after it."""

    actions: list[dict[str, Any]]
    used: set[int] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)
    queue: list[_Scheduled] = field(default_factory=list)

    def observe(self, events: list[dict[str, Any]]) -> bool:
        """Schedule answers for callbacks not seen before; True if there were any."""
        found = False
        for event in events:
            if event["EventType"] != "CallbackStarted" or event["Id"] in self.seen:
                continue
            found = True
            self.seen.add(event["Id"])
            callback_id = event["CallbackStartedDetails"]["CallbackId"]
            due = _epoch(event["EventTimestamp"])
            for index, action in enumerate(self.actions):
                if index in self.used or not _name_matches(action.get("CallbackName", "*"), event.get("Name")):
                    continue
                self.used.add(index)
                due += float(action.get("Delay", 0))
                self.queue.append(_Scheduled(due, callback_id, action))
                if action["Operation"] != "heartbeat":
                    break
        self.queue.sort(key=lambda item: item.due)
        return found

    def pop_due(self, until: float) -> list[_Scheduled]:
        due = [item for item in self.queue if item.due <= until]
        self.queue = [item for item in self.queue if item.due > until]
        return due


def _epoch(timestamp: Any) -> float:
    return float(timestamp.timestamp()) if isinstance(timestamp, datetime) else float(timestamp)


def _name_matches(pattern: str, name: str | None) -> bool:
    if pattern == "*":
        return True
    regex = re.fullmatch(r"\$\{/(.+)/\}|/(.+)/", pattern)
    if regex:
        return re.search(regex[1] or regex[2], name or "") is not None
    return pattern == name


def _answer(execution: RunningExecution, item: _Scheduled) -> None:
    action = item.action
    operation = action["Operation"]
    if operation == "success":
        # An action without Payload completes the callback with no result at all.
        result = json.dumps(action["Payload"]).encode() if "Payload" in action else b""
        execution.callback_success(item.callback_id, result)
    elif operation == "failure":
        payload = action.get("Payload") or {}
        fields = ("ErrorType", "ErrorMessage", "ErrorData", "StackTrace")
        execution.callback_failure(item.callback_id, {key: payload[key] for key in fields if key in payload})
    else:
        execution.callback_heartbeat(item.callback_id)


def _drive(execution: RunningExecution, actions: list[dict[str, Any]]) -> None:
    """Run to the end, answering callbacks on time; stop if nothing is left that could move it."""
    responder = _CallbackResponder(actions)
    for _ in range(_MAX_ROUNDS):
        execution.settle(0)
        responder.observe(execution.history())
        if execution.describe()["Status"] in TERMINAL_STATUSES:
            return
        if responder.queue:
            target = responder.queue[0].due
            execution.settle(max(0.0, target - execution.now()))
            if responder.observe(execution.history()):
                continue  # a callback started on the way: its answer may come first
            for item in responder.pop_due(target):
                _answer(execution, item)
        else:
            execution.settle(None)
            if not responder.observe(execution.history()):
                return


def _load_handler(suite: str, requirement_id: str) -> tuple[Any, dict[str, Any]]:
    module_name = f"tests.conformance.handlers.{suite}.h_{requirement_id.replace('-', '_')}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            pytest.fail(f"no handler written for {suite}/{requirement_id} ({module_name})")
        raise
    return module.handler, dict(getattr(module, "FUNCTIONS", {}))


@pytest.mark.parametrize("path", _requirements())
def test_requirement(path: Path) -> None:
    spec = yaml.safe_load(path.read_text())
    bindings = generate_variables(spec.get("Variables"))
    spec = substitute(spec, bindings)
    handler, functions = _load_handler(path.parent.name, path.stem)

    execution = start_execution(handler, json.dumps(spec.get("Input")), functions)
    try:
        _drive(execution, spec.get("CallbackActions") or [])
        described = execution.describe()
        events = execution.history()
        logs = execution.logs()
    finally:
        execution.close()

    matcher = Matcher(bindings=dict(bindings))
    expected_result = spec.get("ExpectedResult") or {}
    problems: list[str] = []
    if "ExecutionStatus" in expected_result and described["Status"] != expected_result["ExecutionStatus"]:
        problems.append(
            f"status {described['Status']}, expected {expected_result['ExecutionStatus']} "
            f"(error: {described.get('Error')})"
        )
    elif described["Status"] == "SUCCEEDED" and "Result" in expected_result:
        actual_result = json.loads(described["Result"]) if described.get("Result") else None
        matcher.matches(expected_result["Result"], actual_result, "Result")
    matcher.match_history(spec["ExpectedExecutionHistory"], events)
    problems.extend(matcher.errors)
    problems.extend(match_logs(spec.get("ExpectedLogs") or [], parse_log_records(logs), matcher.bindings))
    assert not problems, _report(problems, events)


def _report(problems: list[str], events: list[dict[str, Any]]) -> str:
    lines = ["conformance mismatch:", *(f"  - {p}" for p in problems), "actual history:"]
    lines.extend(
        f"  {e.get('EventId')}: {e.get('EventType')} {e.get('SubType', '')} {e.get('Name', '')} "
        f"{ {k: v for k, v in e.items() if k.endswith('Details')} }"
        for e in events
    )
    return "\n".join(lines)
