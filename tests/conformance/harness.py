"""Runs one conformance requirement on our engine and compares the outcome, the way the official
runner does: answer CallbackActions on (virtual) time, then check GetDurableExecution status and
result, the full history and the captured logs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.conformance.driver import TERMINAL_STATUSES, CallbackRejected, RunningExecution, start_execution
from tests.conformance.matcher import Matcher, generate_variables, match_logs, parse_log_records, substitute

# Upper bound on settle rounds: each round answers callbacks or lets one batch of timers fire.
_MAX_ROUNDS = 200


@dataclass(frozen=True)
class Outcome:
    problems: list[str]
    events: list[dict[str, Any]]
    status: str
    # Callback answers the service refused; like the official runner we go on, but say so.
    rejected_answers: list[str]

    def report(self) -> str:
        lines = ["conformance mismatch:", *(f"  - {p}" for p in self.problems)]
        lines.extend(f"  (callback answer refused: {note})" for note in self.rejected_answers)
        lines.append("actual history:")
        lines.extend(
            f"  {e.get('EventId')}: {e.get('EventType')} {e.get('SubType', '')} {e.get('Name', '')} "
            f"{ {k: v for k, v in e.items() if k.endswith('Details')} }"
            for e in self.events
        )
        return "\n".join(lines)


def run_requirement(
    requirement: Mapping[str, Any],
    handler: Callable[..., Any],
    functions: Mapping[str, Callable[..., Any]] | None = None,
) -> Outcome:
    """Run ``handler`` against one requirement (the YAML document as loaded) and list the mismatches."""
    bindings = generate_variables(requirement.get("Variables"))
    spec = substitute(dict(requirement), bindings)
    execution = start_execution(handler, json.dumps(spec.get("Input")), dict(functions or {}))
    try:
        rejected = _drive(execution, spec.get("CallbackActions") or [])
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
    return Outcome(problems, events, described["Status"], rejected)


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


def _drive(execution: RunningExecution, actions: list[dict[str, Any]]) -> list[str]:
    """Run to the end, answering callbacks on time; stop if nothing is left that could move it.

    Returns the answers the service refused."""
    responder = _CallbackResponder(actions)
    rejected: list[str] = []
    for _ in range(_MAX_ROUNDS):
        execution.settle(0)
        responder.observe(execution.history())
        if execution.describe()["Status"] in TERMINAL_STATUSES:
            return rejected
        if responder.queue:
            target = responder.queue[0].due
            execution.settle(max(0.0, target - execution.now()))
            if responder.observe(execution.history()):
                continue  # a callback started on the way: its answer may come first
            for item in responder.pop_due(target):
                try:
                    _answer(execution, item)
                except CallbackRejected as error:
                    rejected.append(f"{item.action['Operation']} for {item.callback_id}: {error}")
        else:
            execution.settle(None)
            if not responder.observe(execution.history()):
                return rejected
    return rejected
