"""Start-up benchmark: spawn, initialize and tools/list over stdio, interleaved, median of N runs.

Compares durable-mcp with a one-tool bare ``MCPServer`` (the floor: most of a start is the SDK's own
import) and, when installed, awslabs' aws-serverless MCP server. Prints medians, ratios and the size of
each server's ``tools/list`` in characters.

durable-mcp answers ``tools/list`` from the listing an earlier start cached (see
``durable_mcp/server/tool_list_cache.py``); the untimed warm-up start writes it, as the first start after
an install does. The "first start" row measures a start with an empty cache every time.

    python tools/bench_startup.py [--runs 7] [--peer-command awslabs.aws-serverless-mcp-server]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def durable(env: dict[str, str]) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=["-m", "durable_mcp"], env=env)


BARE_SERVER = """
from mcp.server import MCPServer
mcp = MCPServer("bare")

@mcp.tool()
def ping(text: str) -> str:
    \"\"\"Echo.\"\"\"
    return text

mcp.run("stdio")
"""


async def one_start(params: StdioServerParameters) -> tuple[float, int]:
    started = time.perf_counter()
    with open(os.devnull, "w") as devnull:
        async with stdio_client(params, errlog=devnull) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            tools = await session.list_tools()
    elapsed = time.perf_counter() - started
    size = len(tools.model_dump_json(by_alias=True, exclude_none=True))
    return elapsed, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--peer-command", default="awslabs.aws-serverless-mcp-server")
    args = parser.parse_args()

    bare = Path(tempfile.mkdtemp()) / "bare_server.py"
    bare.write_text(BARE_SERVER)
    env = dict(os.environ, AWS_REGION=os.environ.get("AWS_REGION", "us-east-1"), FASTMCP_LOG_LEVEL="ERROR")
    # An installed package starts from cached bytecode; this sandbox sets PYTHONDONTWRITEBYTECODE, which
    # would make every start recompile the servers' own sources (ours from an editable checkout).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    warm_cache = tempfile.mkdtemp()
    servers: dict[str, Callable[[], StdioServerParameters]] = {
        "durable-mcp": lambda: durable(dict(env, XDG_CACHE_HOME=warm_cache)),
        "  first start": lambda: durable(dict(env, XDG_CACHE_HOME=tempfile.mkdtemp())),
        "bare MCPServer": lambda: StdioServerParameters(command=sys.executable, args=[str(bare)], env=env),
    }
    peer = shutil.which(args.peer_command)
    if peer:
        servers["aws-serverless"] = lambda: StdioServerParameters(command=peer, args=[], env=env)
    else:
        print(f"(peer {args.peer_command!r} not installed; skipping it)")

    times: dict[str, list[float]] = {name: [] for name in servers}
    sizes: dict[str, int] = {}
    for params in servers.values():  # one untimed start each: bytecode caches, as after an install
        asyncio.run(one_start(params()))
    for _ in range(args.runs):  # interleaved so load drifts hit every server alike
        for name, params in servers.items():
            elapsed, size = asyncio.run(one_start(params()))
            times[name].append(elapsed)
            sizes[name] = size

    base = statistics.median(times["bare MCPServer"])
    print(f"{'server':<16} {'median s':>9} {'min':>7} {'max':>7} {'x bare':>7} {'tools/list chars':>17}")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:<16} {median:9.3f} {min(samples):7.3f} {max(samples):7.3f} {median / base:7.2f} "
              f"{sizes[name]:17,d}")
    ours = statistics.median(times["durable-mcp"])
    print(f"durable-mcp / bare MCPServer = {ours / base:.2f} (goal <= 1.15); first start without a cached "
          f"tool list: {statistics.median(times['  first start']) / base:.2f}")
    if "aws-serverless" in times:
        print(f"durable-mcp / aws-serverless = {ours / statistics.median(times['aws-serverless']):.2f} (goal < 1)")


if __name__ == "__main__":
    main()
