"""``durable-mcp serve`` (also the default with no command): run the MCP server."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser("serve", help="serve MCP (the default when no command is given)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from durable_mcp.paths import cache_dir
    from durable_mcp.server.app import build_server
    from durable_mcp.server.tool_list_cache import ToolListCache
    from durable_mcp.settings import Settings

    settings = Settings.from_args(args)
    if settings.transport == "streamable-http" and not settings.is_loopback:
        if not settings.allow_remote:
            print(
                f"durable-mcp: error: refusing to bind {settings.host}: the server has no authentication. "
                "Pass --allow-remote to bind a non-loopback address anyway.",
                file=sys.stderr,
            )
            return 2
        print(
            f"durable-mcp: warning: serving MCP on {settings.host}:{settings.port} without authentication; "
            "anyone who can reach this address can call its tools.",
            file=sys.stderr,
        )
    server = build_server(settings, ToolListCache(cache_dir()))
    if settings.transport == "stdio":
        server.run("stdio")
    else:
        server.run("streamable-http", host=settings.host, port=settings.port)
    return 0
