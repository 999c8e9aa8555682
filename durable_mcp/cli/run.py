"""``durable-mcp run PATH.py:handler``: run a durable handler locally on the embedded engine.

Exit code 0 when the execution SUCCEEDED or is waiting (suspended), 1 when it FAILED, TIMED_OUT
or was STOPPED, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, NamedTuple

WAITING = frozenset({"RUNNING", "PAUSED", "PAUSING"})


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "run",
        help="run a durable handler locally (virtual time, full history)",
        description="Run a durable handler on the embedded engine until it ends or waits for a "
        "callback: Python in-process, TypeScript/JavaScript under Node. Waits, retries and timeouts "
        "are skipped in virtual time unless --real-time. Without --store the execution is kept in "
        "memory only.",
    )
    parser.add_argument("handler_ref", metavar="PATH.py:handler",
                        help="handler file and function name (.py, or .ts/.js/... for Node)")
    parser.add_argument("--input", default=None, metavar="JSON", help="input event as JSON text")
    parser.add_argument("--real-time", action="store_true", help="wait on the wall clock instead of skipping")
    parser.add_argument(
        "--on-callback", action="append", default=[], metavar="NAME=succeed:JSON|NAME=fail:MESSAGE",
        help="answer the callback NAME (or * for any) as soon as it starts; repeatable",
    )
    add_stub_options(parser)
    parser.add_argument(
        "--let-callbacks-time-out", action="store_true",
        help="do not stop at an unanswered callback: let virtual time run to its timeout, as if nobody answered",
    )
    parser.add_argument("--format", choices=("timeline", "json"), default="timeline")
    parser.add_argument("--invocation-timeout", type=float, default=900.0, metavar="S",
                        help="seconds one invocation may run (Lambda's function timeout)")
    parser.add_argument("--execution-timeout", type=int, default=None, metavar="S",
                        help="seconds the whole execution may take (virtual time)")
    parser.add_argument("--function-name", default="local-function", help="function name in the ARN")
    parser.set_defaults(handler=run)


def add_stub_options(parser: Any) -> None:
    """``--stub`` and ``--stub-invoke``, shared by ``run`` and ``check-determinism``."""
    parser.add_argument(
        "--stub", action="append", default=[], metavar="NAME=JSON",
        help='checkpoint step NAME as returning JSON without running it; {"ErrorType":..,"ErrorMessage":..} '
        "makes it raise; repeatable",
    )
    parser.add_argument(
        "--stub-invoke", action="append", default=[], metavar="FUNCTION=JSON",
        help="answer a chained context.invoke of FUNCTION with JSON instead of calling it (an ErrorType "
        "object makes it fail); repeatable",
    )


class Options(NamedTuple):
    on_callback: dict[str, str]
    stubs: dict[str, Any]
    invoke_stubs: dict[str, Any]


def _pairs(values: list[str], flag: str) -> dict[str, str]:
    from durable_mcp.errors import UserError

    pairs: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name:
            raise UserError(f"{flag} expects NAME=VALUE, got {value!r}")
        pairs[name] = rest
    return pairs


def _json(text: str, what: str) -> Any:
    from durable_mcp.errors import UserError

    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{what} is not valid JSON ({exc.msg} at character {exc.pos}): {text!r}") from None


def parse_options(args: argparse.Namespace) -> Options:
    from durable_mcp.engine.local import parse_callback_answers
    from durable_mcp.errors import UserError

    on_callback = _pairs(args.on_callback, "--on-callback")
    for name, spec in on_callback.items():
        verb, _, value = spec.partition(":")
        if verb == "succeed":
            _json(value, f"--on-callback {name} result")
    try:
        parse_callback_answers(on_callback)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    stubs = {name: _json(value, f"--stub {name}") for name, value in _pairs(args.stub, "--stub").items()}
    invoke_stubs = {name: _json(value, f"--stub-invoke {name}")
                    for name, value in _pairs(args.stub_invoke, "--stub-invoke").items()}
    return Options(on_callback, stubs, invoke_stubs)


def is_node_ref(handler_ref: str) -> bool:
    from durable_mcp.runtimes.refs import NODE_EXTENSIONS

    return handler_ref.rpartition(":")[0].endswith(NODE_EXTENSIONS) or handler_ref.endswith(NODE_EXTENSIONS)


def node_invoker_factory(engine: Any, closers: list[Any]) -> Any:
    """The engine's invoker factory, extended to TypeScript/JavaScript references (Node runtime)."""
    python_factory = engine.service.invoker_factory

    def factory(handler_ref: str, stub_steps: dict[str, Any] | None) -> Any:
        if not is_node_ref(handler_ref):
            return python_factory(handler_ref, stub_steps)
        from durable_mcp.runtimes import select_invoker

        invoker = select_invoker(handler_ref, service=engine.service, stub_steps=engine.stubs_for(stub_steps))
        closers.append(invoker)
        return invoker

    return factory


def run(args: argparse.Namespace) -> int:
    from durable_mcp.engine.local import LocalEngine

    payload = None
    if args.input is not None:
        _json(args.input, "--input")
        payload = args.input
    on_callback, stubs, invoke_stubs = parse_options(args)
    engine = LocalEngine(
        store=args.store or "memory",
        real_time=args.real_time,
        invocation_timeout_s=args.invocation_timeout,
        stub_steps=stubs,
        on_callback=on_callback,
    )
    closers: list[Any] = []
    engine.service.invoker_factory = node_invoker_factory(engine, closers)
    try:
        if is_node_ref(args.handler_ref):
            from durable_mcp.runtimes.refs import parse_handler_ref

            ref = str(parse_handler_ref(args.handler_ref))
            invoker = engine.service.invoker_factory(ref, None)
            engine.register_function(args.function_name, invoker, handler_ref=ref, stub_invokes=invoke_stubs or None)
        else:
            engine.register_function(args.function_name, args.handler_ref, stub_invokes=invoke_stubs or None)
        arn = engine.start(
            None,
            payload,
            function_name=args.function_name,
            execution_timeout_s=args.execution_timeout,
        )
        if args.let_callbacks_time_out:
            engine.run_until_idle(arn)
        return report(engine, arn, args.format)
    finally:
        for closer in closers:
            closer.close()
        engine.close()


def report(engine: Any, arn: str, output_format: str) -> int:
    """Print the execution's outcome and return the command's exit code."""
    from durable_mcp.engine.model import to_jsonable

    result = engine.result(arn)
    if output_format == "json":
        document = {
            "execution_arn": result.execution_arn,
            "status": result.status,
            "result": result.result,
            "error": result.error,
            "events": to_jsonable(result.events),
        }
        if result.status in WAITING:
            document["open_callbacks"] = [{"name": c.label, "callback_id": c.callback_id}
                                          for c in engine.open_callbacks(arn)]
        note = engine.waiting_note(arn)
        if note is not None:
            document["waiting"] = note
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        sys.stdout.write(timeline(engine, result))
    return 0 if result.status == "SUCCEEDED" or result.status in WAITING else 1


def timeline(engine: Any, result: Any) -> str:
    lines = [f"Execution: {result.execution_arn}", f"Status:    {result.status}"]
    if result.status == "SUCCEEDED":
        lines.append(f"Result:    {json.dumps(result.result)}")
    if result.error:
        lines.append(f"Error:     {result.error.get('ErrorType', 'Error')}: {result.error.get('ErrorMessage', '')}")
    elif result.status == "TIMED_OUT":
        timeout = engine.service.record(result.execution_arn).timeout_s
        lines.append(f"Error:     the execution ran past its ExecutionTimeout of {timeout} seconds")
    if result.status in WAITING:
        for callback in engine.open_callbacks(result.execution_arn):
            lines.append(f"Waiting:   callback {callback.label!r} id {callback.callback_id}")
        note = engine.waiting_note(result.execution_arn)
        if note is not None:
            lines.append(f"Waiting:   {note}")
    lines.append("Events:")
    start = result.events[0]["EventTimestamp"] if result.events else None
    for event in result.events:
        offset = (event["EventTimestamp"] - start).total_seconds() if start else 0.0
        label = event["EventType"]
        detail = " ".join(
            part for part in (
                event.get("Name") and repr(event["Name"]),
                event.get("SubType") and f"[{event['SubType']}]",
                _detail(event),
            ) if part
        )
        lines.append(f"  {event['EventId']:>4}  +{offset:9.3f}s  {label:<24} {detail}".rstrip())
    return "\n".join(lines) + "\n"


def _detail(event: dict[str, Any]) -> str:
    details = event.get(f"{event['EventType']}Details") or {}
    if "Error" in details and isinstance(details["Error"], dict):
        error = details["Error"].get("Payload") or {}
        return f"{error.get('ErrorType', '')}: {error.get('ErrorMessage', '')}".strip(": ")
    if "Duration" in details:
        return f"{details['Duration']}s"
    if "RetryDetails" in details and details["RetryDetails"].get("NextAttemptDelaySeconds") is not None:
        return f"retry in {details['RetryDetails']['NextAttemptDelaySeconds']}s"
    return ""
