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
    "demo",
    "scaffold",
    "validate",
    "run",
    "callback",
    "check_determinism",
    "endpoint",
    "history",
    "diagnose",
    "guidance",
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
    # Global flags are accepted after the command too (`durable-mcp history ARN --store x.db`);
    # SUPPRESS keeps a sub-parser from overwriting a value given before the command.
    for command_parser in sub.choices.values():
        add_server_flags(command_parser, suppress_defaults=True)
    return parser


def add_server_flags(parser: argparse.ArgumentParser, *, suppress_defaults: bool = False) -> None:
    """Flags shared by the server and the commands that reach AWS or the local store.

    A command that defines one of these itself (``endpoint --port``) keeps its own.
    """

    def add(group: argparse._ArgumentGroup, flag: str, default: object, **kwargs: object) -> None:
        if flag in parser._option_string_actions:
            return
        group.add_argument(flag, default=argparse.SUPPRESS if suppress_defaults else default, **kwargs)  # type: ignore[arg-type]

    gates = parser.add_argument_group("access gates")
    add(gates, "--allow-write", False, action="store_true", help="allow tools that write files or change AWS")
    add(gates, "--allow-sensitive-data-access", False, action="store_true",
        help="show execution payloads, results, errors' data and log lines")
    net = parser.add_argument_group("transport")
    add(net, "--transport", "stdio", choices=("stdio", "streamable-http"))
    add(net, "--host", "127.0.0.1", help="streamable HTTP bind address (default loopback)")
    add(net, "--port", 8765, type=int, help="streamable HTTP port")
    add(net, "--allow-remote", False, action="store_true",
        help="allow binding to a non-loopback host (there is no authentication)")
    aws = parser.add_argument_group("AWS")
    add(aws, "--region", None, help="AWS region (default: the standard chain)")
    add(aws, "--profile", None, help="AWS named profile")
    add(aws, "--endpoint-url", None, help="Lambda endpoint, e.g. a local durable-mcp endpoint")
    other = parser.add_argument_group("other")
    add(other, "--log-level", "WARNING", choices=("DEBUG", "INFO", "WARNING", "ERROR"), type=str.upper)
    add(other, "--store", None, help="SQLite store of local executions (default: user data dir)")


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
