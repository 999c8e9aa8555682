"""Redaction hides every payload, result, error text and log line, and keeps structure."""

from __future__ import annotations

from durable_mcp.inspect.diagnose import diagnose
from durable_mcp.inspect.fold import fold_history, merge_execution
from durable_mcp.inspect.models import ExecutionLogs, HistoryView, LogLine
from durable_mcp.inspect.redact import REDACTED, redact, scrub_wire
from tests.inspect import histories as h

ALL = [
    h.failed_step,
    h.retrying_step,
    h.stuck_on_callback,
    h.callback_heartbeat_timeout,
    h.timed_out,
    h.non_deterministic,
    h.chained_invoke_failed,
    h.succeeded_after_retry,
]


def test_no_payload_survives_in_any_diagnosis():
    for builder in ALL:
        execution, events = builder().build()
        dumped = redact(diagnose(events, execution)).model_dump_json()
        assert h.SECRET not in dumped, builder.__name__


def test_opting_in_shows_the_data():
    execution, events = h.failed_step().build()
    d = redact(diagnose(events, execution), include_sensitive=True)
    assert d.error is not None and h.SECRET in (d.error.message or "")


def test_raw_events_keep_their_structure_and_error_types():
    _, events = h.chained_invoke_failed().build()
    view = redact(HistoryView(execution_arn=h.ARN, format="events", event_count=len(events), events=events))
    dumped = view.model_dump_json()
    assert h.SECRET not in dumped
    failed = next(e for e in view.events if e["EventType"] == "ChainedInvokeFailed")
    payload = failed["ChainedInvokeFailedDetails"]["Error"]["Payload"]
    assert payload["ErrorType"] == "InvokeError" and payload["ErrorMessage"] == REDACTED
    assert payload["StackTrace"] == REDACTED
    started = view.events[0]["ExecutionStartedDetails"]
    assert started == {"Input": {"Payload": REDACTED}, "ExecutionTimeout": 86400}


def test_execution_view_and_log_lines_are_redacted():
    execution, events = h.failed_step().build()
    view = redact(merge_execution(fold_history(events), execution))
    assert view.input == REDACTED and view.error is not None and view.error.type == "PaymentDeclined"
    assert h.SECRET not in view.model_dump_json()
    logs = redact(ExecutionLogs(execution_arn=h.ARN, source="local", lines=[LogLine(message=h.SECRET)]))
    assert logs.lines[0].message == REDACTED


def test_scrub_wire_leaves_absent_values_alone():
    assert scrub_wire({"Result": None, "Status": "SUCCEEDED"}) == {"Result": None, "Status": "SUCCEEDED"}
