"""The operations an invocation replays, and page arithmetic for the state and history APIs."""

from __future__ import annotations

from durable_mcp.engine.errors import InvalidParameterValueException
from durable_mcp.engine.execution import ExecutionRecord
from durable_mcp.engine.model import (
    MAX_PAGE_ITEMS,
    TERMINAL_OPERATION_STATUSES,
    Json,
    OperationType,
    operation_to_json,
)

# The invocation event carries at most this much state (Lambda's request payload is 6 MB).
INVOCATION_STATE_BUDGET_BYTES = 5 * 1024 * 1024


def replay_state(rec: ExecutionRecord) -> list[Json]:
    """The operations a replay needs, in start order.

    As the service does, the children of a completed context are left out unless the context
    asked for them (``ReplayChildren``, used when its result was too large to checkpoint): the SDK
    returns a completed context's checkpointed result without running its body again. Parents
    start before their children, so one pass suffices.
    """
    hidden: set[str] = set()
    out: list[Json] = []
    for op in rec.ops.values():
        if op.get("ParentId") in hidden:
            if op["Type"] == OperationType.CONTEXT:
                hidden.add(op["Id"])
            continue
        if (
            op["Type"] == OperationType.CONTEXT
            and op["Status"] in TERMINAL_OPERATION_STATUSES
            and not (op.get("ContextDetails") or {}).get("ReplayChildren")
        ):
            hidden.add(op["Id"])
        out.append(op)
    return out


def first_page(ops: list[Json]) -> tuple[list[Json], str]:
    """Operations for the invocation event, bounded like the service's payload; the handler's SDK
    fetches the rest with GetDurableExecutionState from the returned marker ("" when complete)."""
    page: list[Json] = []
    budget = INVOCATION_STATE_BUDGET_BYTES
    for op in ops:
        if len(page) >= MAX_PAGE_ITEMS:
            break
        budget -= _approximate_size(op)
        if budget < 0 and page:
            break
        page.append(operation_to_json(op))
    return page, (str(len(page)) if len(page) < len(ops) else "")


def _approximate_size(op: Json) -> int:
    size = 256  # ids, type, status, timestamps
    for details in op.values():
        if isinstance(details, dict):
            for value in details.values():
                if isinstance(value, str):
                    size += len(value)
                elif isinstance(value, dict):
                    size += sum(len(v) for v in value.values() if isinstance(v, str))
    return size


def page_bounds(marker: str | None, max_items: int | None, default: int) -> tuple[int, int]:
    try:
        start = int(marker) if marker else 0
    except ValueError:
        raise InvalidParameterValueException(f"Invalid Marker: {marker}") from None
    if start < 0:
        raise InvalidParameterValueException(f"Invalid Marker: {marker}")
    if max_items is None or max_items == 0:
        return start, default
    if not 0 < max_items <= MAX_PAGE_ITEMS:
        raise InvalidParameterValueException(f"MaxItems must be 0-{MAX_PAGE_ITEMS}.")
    return start, max_items
