"""Command-line entry point: ``durable-mcp [global flags] [COMMAND ...]``.

With no command it serves MCP (stdio by default). Each command lives in its own module under
``durable_mcp.cli`` exposing ``register(subparsers)``; modules import heavy libraries inside their
``run`` function so that ``durable-mcp`` with no command starts as fast as a bare MCP server.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import cast

from durable_mcp import __version__

# One module per command; each adds its own sub-parser. Order is the order shown in --help.
COMMAND_MODULES: tuple[str, ...] = (
    "serve",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="durable-mcp",
        description="MCP server and CLI for AWS Lambda durable functions. "
        "With no command, serves MCP over stdio.",
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"durable-mcp {__version__}")
    add_server_flags(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"durable_mcp.cli.{name}")
        module.register(sub)
    return parser


def add_server_flags(parser: argparse.ArgumentParser) -> None:
    """Flags shared by the server and the commands that reach AWS or the local store."""
    gates = parser.add_argument_group("access gates")
    gates.add_argument("--allow-write", action="store_true", help="allow tools that write files or change AWS")
    gates.add_argument(
        "--allow-sensitive-data-access",
        action="store_true",
        help="show execution payloads, results, errors' data and log lines",
    )
    net = parser.add_argument_group("transport")
    net.add_argument("--transport", choices=("stdio", "streamable-http"), default="stdio")
    net.add_argument("--host", default="127.0.0.1", help="streamable HTTP bind address (default loopback)")
    net.add_argument("--port", type=int, default=8765, help="streamable HTTP port")
    net.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow binding streamable HTTP to a non-loopback host (the server has no authentication)",
    )
    aws = parser.add_argument_group("AWS")
    aws.add_argument("--region", default=None, help="AWS region (default: the standard chain)")
    aws.add_argument("--profile", default=None, help="AWS named profile")
    aws.add_argument("--endpoint-url", default=None, help="Lambda endpoint, e.g. a local durable-mcp endpoint")
    parser.add_argument(
        "--log-level", default="WARNING", choices=("DEBUG", "INFO", "WARNING", "ERROR"), type=str.upper
    )
    parser.add_argument("--store", default=None, help="SQLite store of local executions (default: user data dir)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from durable_mcp.logs import configure_logging

    configure_logging(args.log_level)
    handler = cast(Callable[[argparse.Namespace], int], getattr(args, "handler", None))
    if handler is None:
        from durable_mcp.cli.serve import run as serve

        return serve(args)
    from durable_mcp.errors import UserError

    try:
        return handler(args)
    except UserError as exc:
        print(f"durable-mcp: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
