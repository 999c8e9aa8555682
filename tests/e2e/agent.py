"""An agent's view of durable-mcp: the server launched over stdio exactly as .mcp.json launches it, a real
MCP client session, and a transcript of every tool call for a reviewer to read."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import CallToolResult, ElicitRequestParams, ElicitResult, TextContent

ROOT = Path(__file__).resolve().parents[2]
TRANSCRIPTS_ENV = "DURABLE_MCP_TRANSCRIPTS"
WRITE_FLAG = "--allow-write"
# A tool call that takes longer than this means a hung server, not a slow machine.
CALL_TIMEOUT_S = 90.0
SUMMARY_KEYS = (
    "status", "execution_status", "cause", "deterministic", "files_checked", "errors", "warnings", "summary",
    "execution_arn", "event_count", "result", "error_type", "error_message", "message",
)
BRIEF_KEYS = (
    "message", "rule", "operation_name", "EventType", "callback_id", "name", "path", "title", "uri", "arn", "status",
)


def transcripts_dir() -> Path:
    return Path(os.environ.get(TRANSCRIPTS_ENV) or ROOT / "tests" / "e2e" / "transcripts")


def isolated_env(workspace: Path, aws_endpoint: str) -> dict[str, str]:
    """The environment of every process a scenario starts: nothing can reach AWS or the user's files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        # The console script lives next to the interpreter running the tests (the project's venv).
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=aws_endpoint,
        AWS_CONFIG_FILE=str(workspace / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(workspace / "no-aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        XDG_DATA_HOME=str(workspace / "xdg-data"),
    )
    return env


def mcp_json_launch() -> tuple[str, list[str]]:
    spec = json.loads((ROOT / ".mcp.json").read_text())["mcpServers"]["durable-mcp"]
    return str(spec["command"]), [str(a) for a in spec.get("args", [])]


def server_params(
    workspace: Path, env: Mapping[str, str], *extra: str, read_only: bool = False
) -> StdioServerParameters:
    command, args = mcp_json_launch()
    if read_only:
        args = [a for a in args if a != WRITE_FLAG]
    return StdioServerParameters(command=command, args=[*args, *extra], env=dict(env), cwd=str(workspace))


def _first_lines(result: CallToolResult, count: int = 3) -> list[str]:
    texts = [c.text for c in result.content if isinstance(c, TextContent)]
    lines = "\n".join(texts).splitlines()
    return [line[:200] for line in lines[:count]]


def summarize(result: CallToolResult) -> list[str]:
    """A few lines a reviewer can scan: error flag, the status-like fields and list sizes, or the error text."""
    if result.is_error:
        return ["isError: true", *(f"> {line}" for line in _first_lines(result))]
    out = result.structured_content or {}
    lines = ["isError: false"]
    lines += [f"{key}: {str(out[key])[:200]}" for key in SUMMARY_KEYS if out.get(key) is not None]
    lines += [f"{key}: {len(value)} item(s) {_brief(value)}" for key, value in out.items()
              if isinstance(value, list) and value]
    if len(lines) == 1:
        lines += [f"> {line}" for line in _first_lines(result)]
    return lines


def _brief(items: list[Any]) -> str:
    """The first items in a line: plain values as they are, objects by their most telling field."""
    shown = []
    for item in items[:3]:
        if isinstance(item, dict):
            shown.append(str(next((item[k] for k in BRIEF_KEYS if item.get(k) not in (None, "")), "{...}"))[:80])
        else:
            shown.append(str(item)[:80])
    return "[" + "; ".join(shown) + ("; ..." if len(items) > 3 else "") + "]"


@dataclass
class Transcript:
    """One markdown file per scenario: each call's tool, arguments and a short summary of its result."""

    scenario: str
    path: Path = field(init=False)

    def __post_init__(self) -> None:
        folder = transcripts_dir()
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{self.scenario}.md"
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        self.path.write_text(f"# Scenario: {self.scenario}\n\n_recorded {stamp}_\n")

    def note(self, text: str) -> None:
        with self.path.open("a") as out:
            out.write(f"\n{text}\n")

    def call(self, tool: str, arguments: Mapping[str, Any], result: CallToolResult, seconds: float) -> None:
        args = json.dumps(dict(arguments), default=str)
        body = "\n".join(f"    {line}" for line in summarize(result))
        with self.path.open("a") as out:
            out.write(f"\n- **{tool}** `{args[:600]}` ({seconds:.1f} s)\n{body}\n")


class Agent:
    """A client session that records every tool call it makes."""

    def __init__(self, session: ClientSession, transcript: Transcript) -> None:
        self.session = session
        self.transcript = transcript

    async def call(self, tool: str, **arguments: Any) -> CallToolResult:
        started = time.monotonic()
        result = await self.session.call_tool(tool, arguments, read_timeout_seconds=CALL_TIMEOUT_S)
        self.transcript.call(tool, arguments, result, time.monotonic() - started)
        return result

    async def ok(self, tool: str, **arguments: Any) -> dict[str, Any]:
        """Call a tool that must succeed; its structured output."""
        result = await self.call(tool, **arguments)
        assert not result.is_error, f"{tool} failed: {_first_lines(result, 20)}"
        return dict(result.structured_content or {})

    async def refused(self, tool: str, **arguments: Any) -> str:
        """Call a tool that must fail; its error text."""
        result = await self.call(tool, **arguments)
        assert result.is_error, f"{tool} should have been refused: {result.structured_content}"
        return "\n".join(c.text for c in result.content if isinstance(c, TextContent))


def confirming(transcript: Transcript, answer: bool = True) -> Any:
    """An elicitation callback standing in for the user: it records the question and answers it."""

    async def callback(_context: Any, params: ElicitRequestParams) -> ElicitResult:
        question = getattr(params, "message", "")
        transcript.note(f"  - elicitation asked the user: {question.splitlines()[0][:200]!r} -> confirm={answer}")
        return ElicitResult(action="accept", content={"confirm": answer})

    return callback


@asynccontextmanager
async def agent_session(
    params: StdioServerParameters, transcript: Transcript, *, elicit: Any = None
) -> AsyncIterator[Agent]:
    """Launch the server as a stdio subprocess and complete the 2025-11-25 handshake."""
    way = "with elicitation" if elicit is not None else "without elicitation (token confirmations)"
    transcript.note(f"## Session: `{params.command} {' '.join(params.args)}` {way}")
    # Beside the workspace, so the server log never shows up in what the agent validates.
    errlog = (Path(params.cwd or ".").parent / "server-stderr.log").open("a")
    try:
        async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(
            read, write, elicitation_callback=elicit
        ) as session:
            init = await session.initialize()
            assert init.server_info.name == "durable-mcp"
            yield Agent(session, transcript)
    except BaseExceptionGroup as group:
        # The transport's task groups wrap a failed assertion twice; show the assertion itself.
        leaves = _leaves(group)
        if len(leaves) == 1 and isinstance(leaves[0], Exception):
            raise leaves[0] from None
        raise
    finally:
        errlog.close()


def _leaves(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


@contextmanager
def local_endpoint(workspace: Path, env: Mapping[str, str], functions: Mapping[str, str]) -> Iterator[str]:
    """``durable-mcp endpoint --port 0`` as a subprocess; yields its URL once it is listening."""
    args = ["durable-mcp", "endpoint", "--port", "0", "--store", str(workspace.parent / "endpoint.sqlite3")]
    for name, ref in functions.items():
        args += ["--function", f"{name}={ref}"]
    errlog = (workspace.parent / "endpoint-stderr.log").open("w")
    process = subprocess.Popen(args, cwd=workspace, env=dict(env), stdout=subprocess.PIPE, stderr=errlog, text=True)
    try:
        url = _listening_url(process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        errlog.close()


def _listening_url(process: subprocess.Popen[str], timeout_s: float = 30.0) -> str:
    """Wait for the URL line; the reader keeps draining stdout so the endpoint never blocks on a full pipe."""
    found: list[str] = []
    ready = threading.Event()

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            match = re.search(r"listening on (\S+)", line)
            if match and not found:
                found.append(match.group(1))
                ready.set()
        ready.set()

    threading.Thread(target=drain, daemon=True).start()
    ready.wait(timeout_s)
    if not found:
        raise AssertionError(f"durable-mcp endpoint did not report its URL (exit code {process.poll()})")
    return found[0]
