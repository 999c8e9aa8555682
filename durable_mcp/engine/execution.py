"""The state the service keeps per durable execution.

Operations are a dict keyed by id; Python dicts keep insertion order, which is the start order the
state API must return. Events are append-only and numbered at write time from 1. ``dirty`` collects
operations changed since the running invocation last heard from the service (the checkpoint response
carries them); ``updated_ids`` collects operations changed while no invocation was running (the next
invocation event lists them).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from durable_mcp.engine.model import (
    TERMINAL_EXECUTION_STATUSES,
    ExecutionStatus,
    Json,
    encode_token,
)

# Meta fields persisted with the execution row (everything but ops, events and transient sets).
_TRANSIENT = frozenset({"ops", "op_meta", "events", "dirty", "client_tokens", "revision"})


@dataclass
class ExecutionRecord:
    arn: str
    execution_id: str
    name: str
    function_name: str
    version: str
    input_payload: str | None
    timeout_s: int
    retention_days: int
    start: datetime
    status: str = ExecutionStatus.RUNNING
    end: datetime | None = None
    result: str | None = None
    error: Json | None = None
    token_seq: int = 0
    # A token is live only while an invocation is in flight.
    token_live: bool = False
    invocation_start: datetime | None = None
    request_id: str | None = None
    failed_invocations: int = 0
    invalid_pending: int = 0
    invoke_due: bool = False
    parent_arn: str | None = None
    parent_operation_id: str | None = None
    handler_ref: str | None = None
    # The step stubs the execution was started with: a resume in another process must not run for real a
    # step the user replaced.
    stub_steps: Json | None = None
    # Function name -> the result a chained invoke of it checkpoints instead (a dry-run's stand-ins).
    stub_invokes: Json | None = None
    pause: Json | None = None
    pause_requested: bool = False
    timeout_extension_s: float = 0.0
    pending_outcome: Json | None = None
    pending_children: list[str] = field(default_factory=list)
    updated_ids: list[str] = field(default_factory=list)
    opened_callbacks: list[str] = field(default_factory=list)
    ops: dict[str, Json] = field(default_factory=dict)
    op_meta: dict[str, Json] = field(default_factory=dict)
    events: list[Json] = field(default_factory=list)
    dirty: dict[str, None] = field(default_factory=dict)
    client_tokens: OrderedDict[str, Json] = field(default_factory=OrderedDict)
    # The store's revision of this record when it was last read or written (optimistic locking
    # against another process using the same store).
    revision: int = 0

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL_EXECUTION_STATUSES

    @property
    def token(self) -> str:
        return encode_token(self.execution_id, self.token_seq)

    def rotate_token(self) -> str:
        self.token_seq += 1
        return self.token

    def touch(self, operation_id: str) -> None:
        """Mark an operation changed, for the running invocation and for the next one."""
        self.dirty[operation_id] = None
        if not self.token_live and operation_id not in self.updated_ids:
            self.updated_ids.append(operation_id)

    def meta(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _TRANSIENT}

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> ExecutionRecord:
        return cls(**meta)
