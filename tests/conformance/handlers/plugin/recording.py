"""The instrumentation plugin the plugin-suite requirements describe: JSON lines on stdout per hook."""

from __future__ import annotations

import json
from typing import Any

from aws_durable_execution_sdk_python.plugin import (
    DurableInstrumentationPlugin,
    InvocationEndInfo,
    InvocationStartInfo,
    OperationEndInfo,
    OperationStartInfo,
    OperationType,
    UserFunctionEndInfo,
    UserFunctionStartInfo,
)


class RecordingPlugin(DurableInstrumentationPlugin):
    """Prints one JSON record per hook; operation and attempt hooks only for steps.

    ``faulty`` makes every hook raise after printing, to show the SDK isolates plugin errors.
    """

    def __init__(self, label: str, faulty: bool) -> None:
        self._label = label
        self._faulty = faulty
        self._arn: str | None = None

    def _emit(self, hook: str, **fields: Any) -> None:
        print(json.dumps({"plugin": self._label, "hook": hook, **fields, "durableExecutionArn": self._arn}), flush=True)
        if self._faulty:
            raise RuntimeError(f"{self._label} fails in {hook} on purpose")

    def on_invocation_start(self, info: InvocationStartInfo) -> None:
        self._arn = info.execution_arn
        self._emit("invocation-start", first=info.is_first_invocation)

    def on_invocation_end(self, info: InvocationEndInfo) -> None:
        self._emit("invocation-end", status=info.status.value)

    def on_operation_start(self, info: OperationStartInfo) -> None:
        if info.operation_type is OperationType.STEP:
            self._emit("operation-start", op=info.operation_id)

    def on_operation_end(self, info: OperationEndInfo) -> None:
        if info.operation_type is OperationType.STEP:
            self._emit("operation-end", op=info.operation_id, status=info.status.value)

    def on_user_function_start(self, info: UserFunctionStartInfo) -> None:
        if info.operation_type is OperationType.STEP:
            self._emit("attempt-start", n=info.attempt, op=info.operation_id)

    def on_user_function_end(self, info: UserFunctionEndInfo) -> None:
        if info.operation_type is OperationType.STEP:
            self._emit("attempt-end", n=info.attempt, outcome=info.outcome.value, op=info.operation_id)


class RecordingPluginFactory:
    """Registered with ``@durable_execution(plugins=[...])``: one plugin instance per invocation."""

    def __init__(self, label: str = "CONFPLUGIN", faulty: bool = False) -> None:
        self._label = label
        self._faulty = faulty

    def create_plugin(self, info: InvocationStartInfo, /) -> RecordingPlugin:
        return RecordingPlugin(self._label, self._faulty)
