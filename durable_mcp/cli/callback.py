"""``durable-mcp callback succeed|fail|heartbeat CALLBACK_ID``: answer a callback of a stored local
execution and resume it (the handler is re-imported from the reference stored with the execution)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "callback",
        help="complete or heartbeat a callback of a local execution and resume it",
        description="Send a callback result, failure or heartbeat to an execution in the local store "
        "(--store, default: the server's store in the user data dir), then run it until it ends or "
        "waits again. Exit 0 when it succeeded or is waiting, 1 when it failed, 2 on usage errors.",
    )
    parser.add_argument("action", choices=("succeed", "fail", "heartbeat"))
    parser.add_argument("callback_id", metavar="CALLBACK_ID")
    parser.add_argument("--result", default=None, metavar="JSON", help="result for succeed (JSON text)")
    parser.add_argument("--error-type", default=None, help="error type for fail")
    parser.add_argument("--error-message", default="", help="error message for fail")
    parser.add_argument("--format", choices=("timeline", "json"), default="timeline")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from durable_mcp.cli.run import _json, node_invoker_factory, report
    from durable_mcp.engine.errors import ServiceError
    from durable_mcp.engine.local import LocalEngine
    from durable_mcp.errors import UserError
    from durable_mcp.paths import default_store_path

    if args.result is not None:
        _json(args.result, "--result")
    engine = LocalEngine(store=args.store or default_store_path())
    closers: list[Any] = []
    engine.service.invoker_factory = node_invoker_factory(engine, closers)
    try:
        try:
            arn = engine.service.arn_for_callback(args.callback_id)
            if args.action == "succeed":
                engine.send_callback_success(args.callback_id, (args.result or "").encode())
            elif args.action == "fail":
                engine.send_callback_failure(args.callback_id, args.error_message, args.error_type)
            else:
                engine.send_callback_heartbeat(args.callback_id)
        except ServiceError as exc:
            raise UserError(f"{exc.code}: {exc.message}") from None
        return report(engine, arn, args.format)
    finally:
        for closer in closers:
            closer.close()
        engine.close()
