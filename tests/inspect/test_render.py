"""Timeline and Mermaid renderings of a history."""

from __future__ import annotations

from durable_mcp.inspect.fold import fold_history
from durable_mcp.inspect.render import mermaid_gantt, timeline_lines
from tests.inspect import histories as h


def test_timeline_has_a_header_and_one_line_per_operation_with_attempts_and_outcome():
    _, events = h.succeeded_after_retry().build()
    lines = timeline_lines(fold_history(events))
    assert lines[0].startswith("execution SUCCEEDED started 2026-11-27T09:00:00Z duration 4.0s 1 operations")
    assert lines[1] == "+0ms [4.0s] STEP charge-card attempts=2 SUCCEEDED"


def test_timeline_indents_children_and_shows_what_open_operations_wait_for():
    _, events = h.long_history(2).build()
    lines = timeline_lines(fold_history(events))
    assert lines[1].startswith("+0ms [") and "CONTEXT/RunInChildContext batch SUCCEEDED" in lines[1]
    assert lines[2].startswith("  +0ms [1.0s] STEP item-0")
    _, events = h.stuck_on_callback().build()
    assert timeline_lines(fold_history(events))[1].endswith("CALLBACK approval STARTED callback Y2IxMjM=")
    _, events = h.retrying_step().build()
    assert "PENDING TransientError next attempt 2026-11-27T09:00:31Z" in timeline_lines(fold_history(events))[1]


def test_mermaid_gantt_has_one_bar_per_operation_with_status_tags():
    _, events = h.failed_step().build()
    chart = mermaid_gantt(fold_history(events), title="order-42: run")
    lines = chart.splitlines()
    assert lines[:4] == ["gantt", "    title order-42  run", "    dateFormat x", "    axisFormat %H:%M:%S"]
    assert "    section execution" in lines
    start = int(h.T0.timestamp() * 1000)
    assert f"    validate (step) :done, op0, {start}, {start + 1000}" in lines
    assert any(line.startswith("    charge-card (step) :crit, op1,") for line in lines)


def test_mermaid_groups_children_under_their_context_and_open_bars_are_active():
    _, events = h.long_history(3).build()
    chart = mermaid_gantt(fold_history(events))
    assert "    section batch" in chart and chart.count("(step) :done") == 3
    _, events = h.waiting().build()
    assert "cool-off (wait) :active" in mermaid_gantt(fold_history(events))
