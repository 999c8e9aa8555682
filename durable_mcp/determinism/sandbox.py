"""A private copy of one recorded invocation's state that a replay can checkpoint into.

A replayed invocation must see exactly the operations the recorded invocation saw, and its
checkpoints must not touch the real execution. The sandbox seeds an execution record from the
recorded invocation event and applies updates with the engine's own checkpoint rules; timers
never fire (a replay ends at its first suspension, as the recorded invocation did).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from durable_mcp.engine import checkpoint
from durable_mcp.engine.execution import ExecutionRecord
from durable_mcp.engine.model import Json, copy_operation, from_epoch_ms
from durable_mcp.engine.timers import TimerKind

_TIMESTAMP_FIELDS = (
    (None, "StartTimestamp"),
    (None, "EndTimestamp"),
    ("StepDetails", "NextAttemptTimestamp"),
    ("WaitDetails", "ScheduledEndTimestamp"),
)


def operation_from_event(op: Json) -> Json:
    """An invocation event's operation (epoch-ms timestamps) in the engine's form (datetimes)."""
    out = copy_operation(op)
    for details, key in _TIMESTAMP_FIELDS:
        holder = out if details is None else out.get(details)
        if isinstance(holder, dict) and isinstance(holder.get(key), int | float):
            holder[key] = from_epoch_ms(holder[key])
    return out


class ReplaySandbox:
    """Serves CheckpointDurableExecution and GetDurableExecutionState for one replayed invocation."""

    def __init__(self, event: Json) -> None:
        arn = str(event["DurableExecutionArn"])
        function_part, _, rest = arn.partition("/durable-execution/")
        name, _, execution_id = rest.partition("/")
        self._lock = threading.Lock()
        self.record = ExecutionRecord(
            arn=arn,
            execution_id=execution_id,
            name=name,
            function_name=function_part.split(":")[6] if function_part.count(":") >= 6 else "local",
            version="$LATEST",
            input_payload=None,
            timeout_s=86_400,
            retention_days=1,
            start=datetime.now(UTC),
            token_live=True,
        )
        operations = event.get("InitialExecutionState", {}).get("Operations", [])
        self.record.ops = {op["Id"]: operation_from_event(op) for op in operations}
        self.initial_ids = frozenset(self.record.ops)
        self.updates: list[Json] = []
        self.rejected: str | None = None

    @property
    def token(self) -> str:
        return self.record.token

    def invocation_event(self, event: Json) -> Json:
        """The recorded event, re-tokened for the sandbox."""
        return {**event, "CheckpointToken": self.record.token}

    def new_operations(self) -> list[Json]:
        """Operations the replay created, in start order."""
        return [op for op_id, op in self.record.ops.items() if op_id not in self.initial_ids]

    # ---------------------------------------------------------------- the service surface

    def checkpoint_durable_execution(
        self,
        *,
        DurableExecutionArn: str,
        CheckpointToken: str,
        Updates: list[Json] | None = None,
        ClientToken: str | None = None,
    ) -> Json:
        updates = list(Updates or [])
        with self._lock:
            self.updates.extend(updates)
            try:
                checkpoint.validate(self.record, updates)
            except Exception as exc:
                self.rejected = str(exc)
                raise
            now = datetime.now(UTC)
            for update in updates:
                checkpoint.apply(self.record, update, now, self)
            token = self.record.rotate_token()
            changed = [copy_operation(self.record.ops[i]) for i in self.record.dirty if i in self.record.ops]
            self.record.dirty.clear()
            return {"CheckpointToken": token, "NewExecutionState": {"Operations": changed}}

    def get_durable_execution_state(
        self,
        *,
        DurableExecutionArn: str,
        CheckpointToken: str,
        Marker: str | None = None,
        MaxItems: int | None = None,
    ) -> Json:
        with self._lock:
            return {"Operations": [copy_operation(op) for op in self.record.ops.values()]}

    # ---------------------------------------------------------------- checkpoint hooks

    def arm(self, rec: ExecutionRecord, due: datetime, kind: TimerKind, operation_id: str = "") -> None:
        """Timers never fire inside one replayed invocation."""

    def start_chained_invoke(self, rec: ExecutionRecord, op: Json, update: Json) -> Json:
        options = update.get("ChainedInvokeOptions") or {}
        return {"FunctionName": options.get("FunctionName", "")}

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"{name} is not available while replaying one invocation")
