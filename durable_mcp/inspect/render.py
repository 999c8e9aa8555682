"""Compact renderings of a folded history: one line per operation, and a Mermaid Gantt chart."""

from __future__ import annotations

import re
from datetime import datetime

from durable_mcp.inspect.fold import FoldedHistory
from durable_mcp.inspect.models import Diagnosis, OperationView


def _depths(ops: list[OperationView]) -> dict[str, int]:
    parents = {op.id: op.parent_id for op in ops}
    depths: dict[str, int] = {}
    for op in ops:
        chain: list[str] = []
        current: str | None = op.id
        while current is not None and current not in depths and current in parents and current not in chain:
            chain.append(current)
            current = parents[current]
        base = depths.get(current, -1) if current is not None else -1
        for offset, op_id in enumerate(reversed(chain), start=1):
            depths[op_id] = base + offset
    return depths


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "…"
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 120:
        return f"{seconds:.1f}s"
    if seconds < 7200:
        return f"{seconds / 60:.1f}m"
    if seconds < 172800:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 86400:.1f}d"


def _clock(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ") if at else "?"


def _outcome(op: OperationView) -> str:
    parts = [op.status]
    if op.error is not None and op.error.type:
        parts.append(op.error.type)
    if op.status == "PENDING" and op.next_attempt_at:
        parts.append(f"next attempt {_clock(op.next_attempt_at)}")
    if op.type == "WAIT" and op.status == "STARTED" and op.scheduled_end:
        parts.append(f"until {_clock(op.scheduled_end)}")
    if op.type == "CALLBACK" and op.status == "STARTED" and op.callback_id:
        parts.append(f"callback {op.callback_id}")
    if op.type == "CHAINED_INVOKE" and op.chained_function:
        parts.append(f"-> {op.chained_function}")
    return " ".join(parts)


def timeline_lines(folded: FoldedHistory) -> list[str]:
    """One line per operation: offset from start, duration, kind, name, attempts and outcome."""
    ops = folded.operations
    origin = folded.execution.started_at or next((op.started_at for op in ops if op.started_at), None)
    depths = _depths(ops)
    ex = folded.execution
    lines = [
        f"execution {ex.status or '?'} started {_clock(ex.started_at)} "
        f"duration {format_duration(_span(ex.started_at, ex.ended_at))} "
        f"{len(ops)} operations {len(folded.invocations)} invocations {folded.event_count} events"
        + (f" error {ex.error.type}" if ex.error and ex.error.type else "")
    ]
    for op in ops:
        offset = _span(origin, op.started_at)
        kind = op.type + (f"/{op.subtype}" if op.subtype and op.subtype.upper() != op.type else "")
        attempts = f" attempts={op.attempts}" if op.type == "STEP" else ""
        lines.append(
            f"{'  ' * depths.get(op.id, 0)}+{format_duration(offset)} "
            f"[{format_duration(op.duration_seconds)}] "
            f"{kind} {op.label!s}{attempts} {_outcome(op)}"
        )
    return lines


def _span(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds()


_UNSAFE = re.compile(r"[:;#\n\r]")
_TAGS = {"SUCCEEDED": "done", "FAILED": "crit", "TIMED_OUT": "crit", "STOPPED": "crit", "CANCELLED": "crit"}


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def mermaid_gantt(folded: FoldedHistory, title: str | None = None) -> str:
    """A Mermaid ``gantt`` chart: one bar per operation, grouped by the parent context."""
    horizon = folded.execution.ended_at or folded.last_event_at
    by_id = {op.id: op for op in folded.operations}
    lines = ["gantt", f"    title {_UNSAFE.sub(' ', title or 'durable execution')}", "    dateFormat x"]
    lines.append("    axisFormat %H:%M:%S")
    sections: dict[str, list[str]] = {}
    for index, op in enumerate(folded.operations):
        if op.started_at is None:
            continue
        start = _ms(op.started_at)
        end_at = op.ended_at or horizon or op.started_at
        end = max(_ms(end_at), start + 1)
        tag = _TAGS.get(op.status, "active")
        parent = by_id.get(op.parent_id or "")
        section = parent.label if parent is not None else "execution"
        name = _UNSAFE.sub(" ", f"{op.label} ({op.type.lower()})")
        sections.setdefault(_UNSAFE.sub(" ", section), []).append(f"    {name} :{tag}, op{index}, {start}, {end}")
    for section, bars in sections.items():
        lines.append(f"    section {section}")
        lines.extend(bars)
    return "\n".join(lines) + "\n"


def render_diagnosis(diagnosis: Diagnosis) -> str:
    """Plain text: summary first, then the error type, pending items, findings and next steps."""
    lines = [f"{diagnosis.status or '?'} ({diagnosis.cause.value}): {diagnosis.summary}"]
    if diagnosis.error is not None and diagnosis.error.type:
        lines.append(f"error: {diagnosis.error.type}")
        if diagnosis.error.message:
            lines.append(f"message: {diagnosis.error.message}")
    for item in diagnosis.pending:
        extra = [f"until {_clock(item.until)}"] if item.until else []
        if item.callback_id:
            extra.append(f"callback id {item.callback_id}")
        if item.heartbeat_due_by:
            extra.append(f"heartbeat due by {_clock(item.heartbeat_due_by)}")
        if item.overdue:
            extra.append("OVERDUE")
        lines.append(f"pending {item.kind} '{item.operation_name or item.operation_id}' " + ", ".join(extra))
    lines.extend(f"- {finding}" for finding in diagnosis.findings)
    if diagnosis.next_steps:
        lines.append("next steps:")
        lines.extend(f"  {index}. {step}" for index, step in enumerate(diagnosis.next_steps, start=1))
    return "\n".join(lines)
