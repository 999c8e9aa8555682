"""``durable-mcp endpoint [--host H] [--port N] [--function NAME=PATH:handler ...] [--real-time]``.

Serves the local durable engine on the real Lambda REST paths, so boto3 (``endpoint_url=``), the
AWS CLI (``--endpoint-url``) and both durable SDKs (``AWS_ENDPOINT_URL_LAMBDA``) work against it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

DEFAULT_PORT = 8766


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "endpoint",
        help="serve local durable executions on the Lambda REST API (for boto3, the AWS CLI, the SDKs)",
        description="Serve the local durable engine on the Lambda durable REST paths and Invoke. "
        "There is no authentication: it binds to loopback unless --allow-remote is given. "
        "Time is virtual (waits complete at once) unless --real-time is given.",
    )
    parser.add_argument("--host", dest="endpoint_host", default=None, help="bind address (default 127.0.0.1)")
    parser.add_argument(
        "--port", dest="endpoint_port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any)"
    )
    parser.add_argument(
        "--allow-remote",
        dest="endpoint_allow_remote",
        action="store_true",
        help="allow a non-loopback --host (anyone who can reach it can run your handlers)",
    )
    parser.add_argument(
        "--function",
        dest="functions",
        action="append",
        default=[],
        metavar="NAME=PATH:handler",
        help="register a handler as function NAME (version 1, alias live); repeatable; .py, .ts, .js, .mjs, .cjs",
    )
    parser.add_argument("--real-time", action="store_true", help="run waits and timeouts on the wall clock")
    parser.add_argument(
        "--isolated",
        action="store_true",
        help="run Python handlers in worker processes (a crash or hang is killed, the endpoint survives)",
    )
    parser.set_defaults(handler=run)


def parse_function_spec(spec: str) -> tuple[str, str]:
    from durable_mcp.errors import UserError

    name, sep, ref = spec.partition("=")
    if not sep or not name.strip() or not ref.strip():
        raise UserError(f"--function expects NAME=PATH:handler, got {spec!r}")
    return name.strip(), ref.strip()


def run(args: argparse.Namespace) -> int:
    import threading

    from durable_mcp.cli.run import node_invoker_factory
    from durable_mcp.endpoint.driver import BackgroundDriver
    from durable_mcp.endpoint.server import serve
    from durable_mcp.engine.local import LocalEngine
    from durable_mcp.paths import default_store_path
    from durable_mcp.runtimes import parse_handler_ref, select_invoker

    specs = [parse_function_spec(spec) for spec in args.functions]
    store = args.store or default_store_path()
    engine = LocalEngine(store=store, real_time=args.real_time)
    host = args.endpoint_host or "127.0.0.1"
    closers: list[Any] = []
    # Executions of a function not named this time (stored by an earlier endpoint, CLI run or MCP server)
    # resume from the handler reference they stored.
    engine.service.invoker_factory = node_invoker_factory(engine, closers)
    server = serve(
        engine.service, host, args.endpoint_port, allow_remote=args.endpoint_allow_remote or args.allow_remote
    )
    try:
        for name, ref in specs:
            invoker = select_invoker(
                ref, service=engine.service, endpoint_url=server.url, function_name=name, isolated=args.isolated
            )
            if hasattr(invoker, "close"):
                closers.append(invoker)
            engine.register_function(name, invoker, handler_ref=str(parse_handler_ref(ref)))
        with BackgroundDriver(engine.service):
            print(f"durable-mcp endpoint listening on {server.url}", flush=True)
            for name, ref in specs:
                print(f"  function {name} (version 1, alias live): {ref}", flush=True)
            print(f"  export AWS_ENDPOINT_URL_LAMBDA={server.url}", flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:
        print("durable-mcp endpoint stopped", file=sys.stderr)
    finally:
        for invoker in closers:
            invoker.close()
        server.close()
        engine.close()
    return 0
