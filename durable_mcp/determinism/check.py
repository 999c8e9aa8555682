"""Replay-perturbation and interruption checks for one durable handler (Python, TypeScript, JavaScript).

Every run goes through worker processes (Python subprocess or Node) that reach a private loopback
endpoint, so the perturbation lives in the handler's process only and a crash can be simulated
by killing it. The recorded run is driven by the real engine; each replay answers its checkpoints
from a sandbox holding the state the recorded invocation saw.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from durable_mcp.determinism.models import (
    DeterminismReport,
    Divergence,
    InterruptionFinding,
    InterruptionReport,
    OperationSignature,
    SourceRead,
)
from durable_mcp.determinism.sandbox import ReplaySandbox
from durable_mcp.determinism.switch import CheckpointTrap, ServiceSwitch
from durable_mcp.endpoint.server import EndpointServer, serve
from durable_mcp.engine.invoker import InvocationFailed, Invoker
from durable_mcp.engine.local import LocalEngine, RunResult
from durable_mcp.engine.model import Json, operation_to_json
from durable_mcp.errors import UserError
from durable_mcp.runtimes import select_invoker
from durable_mcp.runtimes.process import ProcessInvoker
from durable_mcp.runtimes.refs import HandlerRef, parse_handler_ref

T = TypeVar("T")

FUNCTION_NAME = "determinism-check"
DEFAULT_SEEDS = (1, 2, 3)
DEFAULT_CALLBACK_ANSWERS = {"*": "succeed:null"}
DEFAULT_MAX_INTERRUPTIONS = 40


@dataclass
class Invocation:
    event: Json
    output: Json | None = None
    failure: Json | None = None
    step_runs: list[str | None] = field(default_factory=list)


class RecordingInvoker:
    """Keeps a copy of every invocation event, with its whole state, and what the invocation answered."""

    def __init__(self, inner: ProcessInvoker, service: Any) -> None:
        self.inner = inner
        self.service = service
        self.invocations: list[Invocation] = []

    def invoke(self, event: dict[str, Any], *, timeout_s: float) -> dict[str, Any]:
        record = Invocation(event=self._complete(event))
        self.invocations.append(record)
        try:
            record.output = self.inner.invoke(event, timeout_s=timeout_s)
        except InvocationFailed as exc:
            record.failure = exc.error
            raise
        finally:
            record.step_runs = list(self.inner.last_step_runs)
        return record.output

    def _complete(self, event: dict[str, Any]) -> Json:
        """A copy of the event holding every operation: a large state arrives paged (NextMarker)."""
        copied = copy.deepcopy(event)
        state = copied.setdefault("InitialExecutionState", {})
        marker = state.get("NextMarker")
        operations = state.setdefault("Operations", [])
        while marker:
            page = self.service.get_durable_execution_state(
                DurableExecutionArn=event["DurableExecutionArn"],
                CheckpointToken=event["CheckpointToken"],
                Marker=marker,
                MaxItems=1000,
            )
            operations.extend(operation_to_json(op) for op in page.get("Operations", []))
            marker = page.get("NextMarker")
        state["NextMarker"] = ""
        return copied


@dataclass
class RunRecord:
    result: RunResult
    operations: list[Json]
    invocations: list[Invocation]
    checkpoints: int

    def step_runs(self) -> Counter[str | None]:
        return Counter(name for invocation in self.invocations for name in invocation.step_runs)


def signature(op: Json) -> OperationSignature:
    return OperationSignature(
        type=str(op["Type"]), name=op.get("Name"), sub_type=op.get("SubType"), parent_id=op.get("ParentId")
    )


class _Session:
    """One loopback endpoint in front of a switchable service, and the workers that use it."""

    def __init__(
        self,
        ref: HandlerRef,
        payload: str | None,
        stub_steps: Mapping[str, Any],
        on_callback: Mapping[str, str],
        invocation_timeout_s: float,
        functions: Mapping[str, str],
        stub_invokes: Mapping[str, Any],
    ) -> None:
        self.ref = ref
        self.functions = dict(functions)
        self.stub_invokes = dict(stub_invokes)
        self._targets: dict[str, Invoker] = {}
        self.payload = payload
        self.stub_steps = dict(stub_steps)
        self.on_callback = dict(on_callback)
        self.invocation_timeout_s = invocation_timeout_s
        self.switch = ServiceSwitch()
        self.server: EndpointServer = serve(self.switch)
        self._invokers: dict[int | None, ProcessInvoker] = {}

    def invoker(self, seed: int | None) -> ProcessInvoker:
        if seed not in self._invokers:
            options: dict[str, Any] = {
                "endpoint_url": self.server.url,
                "perturb_seed": seed,
                "stub_steps": self.stub_steps,
            }
            if self.ref.runtime == "node":
                from durable_mcp.runtimes.node import NodeInvoker

                self._invokers[seed] = NodeInvoker(self.ref, **options)
            else:
                from durable_mcp.runtimes.python_subprocess import PythonSubprocessInvoker

                self._invokers[seed] = PythonSubprocessInvoker(self.ref, **options)
        return self._invokers[seed]

    def target(self, name: str) -> Invoker:
        """A chained-invoke target, run in its own worker against the same endpoint."""
        if name not in self._targets:
            self._targets[name] = select_invoker(
                self.functions[name], service=None, endpoint_url=self.server.url, function_name=name, isolated=True
            )
        return self._targets[name]

    def run(self, crash_at: int | None = None) -> RunRecord:
        """Run the handler to the end on a fresh engine, optionally crashing at one checkpoint call."""
        invoker = self.invoker(None)
        engine = LocalEngine(on_callback=self.on_callback, invocation_timeout_s=self.invocation_timeout_s)
        for name in self.functions:
            engine.register_function(name, self.target(name))
        trap = CheckpointTrap(engine.service, crash_at, invoker.crash_current)
        self.switch.use(trap)
        recorder = RecordingInvoker(invoker, engine.service)
        engine.register_function(FUNCTION_NAME, recorder, stub_invokes=self.stub_invokes or None)
        try:
            arn = engine.start(None, self.payload, function_name=FUNCTION_NAME)
            engine.run_until_idle(arn)
            operations = [copy.deepcopy(op) for op in engine.service.record(arn).ops.values()]
            return RunRecord(engine.result(arn), operations, recorder.invocations, trap.calls)
        finally:
            engine.close()

    def replay(self, invocation: Invocation, seed: int) -> tuple[ReplaySandbox, Json | None, Json | None, list[Json]]:
        invoker = self.invoker(seed)
        sandbox = ReplaySandbox(invocation.event)
        self.switch.use(sandbox)
        try:
            output = invoker.invoke(sandbox.invocation_event(invocation.event), timeout_s=self.invocation_timeout_s)
            return sandbox, output, None, invoker.last_probes
        except InvocationFailed as exc:
            return sandbox, None, exc.error, invoker.last_probes

    def close(self) -> None:
        for invoker in [*self._invokers.values(), *self._targets.values()]:
            close = getattr(invoker, "close", None)
            if close is not None:
                close()
        self.server.close()


@contextmanager
def _session(
    handler_ref: str,
    payload: str | None,
    stub_steps: Mapping[str, Any] | None,
    on_callback: Mapping[str, str] | None,
    invocation_timeout_s: float,
    functions: Mapping[str, str] | None,
    stub_invokes: Mapping[str, Any] | None,
) -> Iterator[_Session]:
    session = _Session(
        parse_handler_ref(handler_ref),
        payload,
        stub_steps or {},
        on_callback or DEFAULT_CALLBACK_ANSWERS,
        invocation_timeout_s,
        functions or {},
        stub_invokes or {},
    )
    try:
        yield session
    finally:
        session.close()


def check_determinism(
    handler_ref: str,
    input_json: str | None = None,
    *,
    stub_steps: Mapping[str, Any] | None = None,
    on_callback: Mapping[str, str] | None = None,
    interruptions: bool = True,
    max_interruptions: int = DEFAULT_MAX_INTERRUPTIONS,
    seeds: Sequence[int] = DEFAULT_SEEDS,
    invocation_timeout_s: float = 60.0,
    functions: Mapping[str, str] | None = None,
    stub_invokes: Mapping[str, Any] | None = None,
) -> DeterminismReport:
    """Check ``path:handler`` for replay divergences and, optionally, crash safety.

    ``input_json`` is the execution input as JSON text; ``on_callback`` answers callbacks by name
    (``{"name" | "*": "succeed:JSON" | "fail:MESSAGE"}``, default: every callback succeeds with null);
    ``functions`` maps chained-invoke target names to their ``path:handler`` (run for real);
    ``stub_invokes`` answers chained invokes of other functions with a stand-in result.
    """
    if input_json is not None:
        try:
            json.loads(input_json)
        except json.JSONDecodeError as exc:
            raise UserError(f"--input is not valid JSON: {exc.msg} at character {exc.pos}") from None
    with _session(handler_ref, input_json, stub_steps, on_callback, invocation_timeout_s, functions,
                  stub_invokes) as session:
        reference = session.run()
        _require_a_running_handler(reference)
        divergences = _replay_all(session, reference, seeds)
        interruption = None
        if interruptions:
            interruption = _interrupt_all(session, reference, max_interruptions)
    unsafe = interruption is not None and any(f.kind != "ran_twice" for f in interruption.findings)
    return DeterminismReport(
        handler=str(session.ref),
        deterministic=not divergences and not unsafe,
        divergences=divergences,
        invocations=len(reference.invocations),
        status=reference.result.status,
        interruption=interruption,
    )


def _require_a_running_handler(reference: RunRecord) -> None:
    """A handler that never answered an invocation proves nothing about replay: say why instead."""
    if reference.invocations and all(invocation.output is None for invocation in reference.invocations):
        error = reference.result.error or next(
            (invocation.failure for invocation in reference.invocations if invocation.failure), None) or {}
        raise UserError(
            f"The handler never ran: {error.get('ErrorType', 'error')}: {error.get('ErrorMessage', '')}. "
            "Fix it (run_durable_function_locally shows the same error) before checking determinism."
        )


# ---------------------------------------------------------------------------- replay


def _replay_all(session: _Session, reference: RunRecord, seeds: Sequence[int]) -> list[Divergence]:
    final_ids = [op["Id"] for op in reference.operations]
    by_id = {op["Id"]: op for op in reference.operations}
    for index, invocation in enumerate(reference.invocations):
        if invocation.output is None:
            continue  # a crashed invocation has no outcome to reproduce
        initial = _operation_ids(invocation.event)
        later = reference.invocations[index + 1].event if index + 1 < len(reference.invocations) else None
        seen_after = _operation_ids(later) if later is not None else set(final_ids)
        expected = [(i, signature(by_id[i])) for i in final_ids if i in seen_after and i not in initial]
        for seed in seeds:
            sandbox, output, failure, probes = session.replay(invocation, seed)
            sources = _outside_step_reads(probes)
            divergence = _compare(
                index + 1, len(initial), expected, sandbox, invocation.output, output, failure, final_ids, by_id
            )
            if divergence is not None:
                return [divergence.model_copy(update={"sources": sources})]
            if not sources:
                break  # nothing perturbed reached user code; other seeds cannot differ
    return []


def _compare(
    number: int,
    offset: int,
    expected: list[tuple[str, OperationSignature]],
    sandbox: ReplaySandbox,
    recorded: Json,
    output: Json | None,
    failure: Json | None,
    final_ids: list[str],
    by_id: Mapping[str, Json],
) -> Divergence | None:
    actual = [(str(op["Id"]), signature(op)) for op in sandbox.new_operations()]
    for i, (want, got) in enumerate(_paired_by_id(expected, actual)):
        if want != got:
            position = offset + i
            return Divergence(
                kind="operation",
                invocation=number,
                position=position,
                expected=want,
                actual=got,
                message=f"Replaying invocation {number}, operation {position} should be "
                f"{want.describe() if want else 'absent'} but was {got.describe() if got else 'absent'}.",
            )
    recorded_status = str(recorded.get("Status"))
    status = str(output.get("Status")) if output is not None else "INVOCATION_FAILED"
    if status != recorded_status:
        error = (output or {}).get("Error") or failure or {}
        text = f"{error.get('ErrorType', '')}: {error.get('ErrorMessage', '')}".strip(": ")
        # The SDKs name the mismatching operation's id in their non-determinism error.
        named = next((index for index, op_id in enumerate(final_ids) if op_id and op_id in text), None)
        return Divergence(
            kind="outcome",
            invocation=number,
            position=named,
            expected=signature(by_id[final_ids[named]]) if named is not None else None,
            message=f"Replaying invocation {number} ended {status} instead of {recorded_status}: {text}",
        )
    if status == "SUCCEEDED" and (output or {}).get("Result") != recorded.get("Result"):
        return Divergence(
            kind="result",
            invocation=number,
            message=f"Replaying invocation {number} returned {(output or {}).get('Result')!r} instead of "
            f"{recorded.get('Result')!r}: the result is computed from values read outside steps.",
        )
    return None


def _operation_ids(event: Json) -> set[str]:
    return {op["Id"] for op in event.get("InitialExecutionState", {}).get("Operations", [])}


def _outside_step_reads(probes: list[Json]) -> list[SourceRead]:
    reads: dict[tuple[str, str, int], SourceRead] = {}
    for probe in probes:
        if probe.get("in_step"):
            continue
        key = (str(probe["source"]), str(probe["file"]), int(probe["line"]))
        reads.setdefault(key, SourceRead(source=key[0], file=key[1], line=key[2]))
    return list(reads.values())


# ---------------------------------------------------------------------------- interruptions

_STEP = "STEP"


def _interrupt_all(session: _Session, reference: RunRecord, limit: int) -> InterruptionReport:
    second = session.run()
    volatile = _volatile_steps(reference, second)
    volatile_result = reference.result.result != second.result.result
    baseline_runs = reference.step_runs()
    findings: list[InterruptionFinding] = []
    count = min(reference.checkpoints, max(0, limit))
    for crash_at in range(1, count + 1):
        run = session.run(crash_at=crash_at)
        findings.extend(_interruption_findings(crash_at - 1, reference, run, volatile, volatile_result, baseline_runs))
    return InterruptionReport(
        checkpoints=reference.checkpoints,
        interruptions_run=count,
        findings=findings,
        volatile_steps=sorted(volatile),
    )


def _volatile_steps(first: RunRecord, second: RunRecord) -> set[str]:
    results = {op["Id"]: _step_result(op) for op in first.operations if op["Type"] == _STEP}
    return {
        str(op.get("Name"))
        for op in second.operations
        if op["Type"] == _STEP and results.get(op["Id"]) != _step_result(op)
    }


def _step_result(op: Json) -> Any:
    return (op.get("StepDetails") or {}).get("Result")


def _interruption_findings(
    after: int,
    reference: RunRecord,
    run: RunRecord,
    volatile: set[str],
    volatile_result: bool,
    baseline_runs: Counter[str | None],
) -> list[InterruptionFinding]:
    findings: list[InterruptionFinding] = []
    for name, times in sorted(run.step_runs().items(), key=lambda item: str(item[0])):
        if times > baseline_runs.get(name, 0):
            findings.append(
                InterruptionFinding(
                    kind="ran_twice",
                    after_checkpoint=after,
                    step=name,
                    message=f"Step {name!r} ran {times} times instead of {baseline_runs.get(name, 0)}: its side "
                    "effects repeat when an invocation ends before its result is checkpointed.",
                )
            )
    if run.result.status != reference.result.status:
        findings.append(
            InterruptionFinding(
                kind="outcome_changed",
                after_checkpoint=after,
                message=f"The execution ended {run.result.status} instead of {reference.result.status}.",
            )
        )
        return findings
    pairs = _paired_by_id(
        [(str(op["Id"]), (signature(op), op["Status"])) for op in reference.operations[1:]],
        [(str(op["Id"]), (signature(op), op["Status"])) for op in run.operations[1:]],
    )
    if any(want != got for want, got in pairs):
        findings.append(
            InterruptionFinding(
                kind="history_changed",
                after_checkpoint=after,
                message=f"The operations differ from the uninterrupted run: {_first_difference(pairs)}.",
            )
        )
    by_id = {op["Id"]: op for op in reference.operations}
    for op in run.operations:
        name = op.get("Name")
        original = by_id.get(op["Id"])
        if op["Type"] != _STEP or original is None or str(name) in volatile:
            continue
        if _step_result(op) != _step_result(original):
            findings.append(
                InterruptionFinding(
                    kind="result_changed",
                    after_checkpoint=after,
                    step=name,
                    message=f"Step {name!r} returned {_step_result(op)!r} instead of {_step_result(original)!r}.",
                )
            )
    if not volatile_result and run.result.result != reference.result.result:
        findings.append(
            InterruptionFinding(
                kind="result_changed",
                after_checkpoint=after,
                message=f"The execution result changed from {reference.result.result!r} to {run.result.result!r}.",
            )
        )
    return findings


def _paired_by_id(
    expected: Sequence[tuple[str, T]], actual: Sequence[tuple[str, T]]
) -> list[tuple[T | None, T | None]]:
    """Each recorded operation beside the one with its id in the new run (None when missing), in the
    recorded order, then the operations only the new run has.

    An id is an operation's place under its parent, so it names the same operation in every run; the
    order operations start in is not fixed where branches run concurrently (the Python SDK runs map
    items and parallel branches on threads), so comparing by position would report a divergence there.
    """
    remaining = dict(actual)
    pairs: list[tuple[T | None, T | None]] = [(want, remaining.pop(op_id, None)) for op_id, want in expected]
    pairs.extend((None, got) for got in remaining.values())
    return pairs


def _first_difference(pairs: list[tuple[Any, Any]]) -> str:
    def describe(item: Any) -> str:
        return f"{item[0].describe()} {item[1]}" if item else "nothing"

    for position, (want, got) in enumerate(pairs, start=1):
        if want != got:
            return f"operation {position} is {describe(got)} instead of {describe(want)}"
    return "the same operations"
