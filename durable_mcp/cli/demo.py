"""``durable-mcp demo``: the whole journey on local defaults, no AWS account needed.

Scaffold a human-approval project into a temporary directory, validate it, dry-run its handler on the
embedded engine until it waits for the approver, answer the callback, and print the validation
summary, the timeline and the result. Any failed stage makes the command exit 1.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

JS_SDK = "@aws/durable-execution-sdk-js@2.4.0"
INPUT = {"request_id": "req-1", "requester": "alice", "amount": 250}
DECISION = {"approved": True}


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="scaffold, validate, dry-run and approve a workflow locally (no AWS)")
    parser.add_argument("--language", choices=("python", "typescript"), default="python",
                        help="handler language (typescript needs Node.js and npm)")
    parser.add_argument("--keep", action="store_true", help="keep the generated project and print its path")
    parser.set_defaults(handler=run)


class StageFailed(Exception):
    pass


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def stage(number: int, title: str) -> None:
    say(f"\n[{number}/5] {title}")


def run(args: argparse.Namespace) -> int:
    workspace = Path(tempfile.mkdtemp(prefix="durable-mcp-demo-"))
    try:
        return journey(args.language, workspace)
    except StageFailed as failure:
        say(f"FAILED: {failure}")
        return 1
    finally:
        if args.keep:
            say(f"\nProject kept in {workspace}")
        else:
            shutil.rmtree(workspace, ignore_errors=True)


def journey(language: str, workspace: Path) -> int:
    from durable_mcp.scaffold import ProjectSpec, render_project, write_project

    stage(1, f"Scaffold a {language} human-approval project (SAM)")
    preview = render_project(ProjectSpec(name="demo-approval", language=language, iac="sam",
                                         pattern="human-approval"))
    project = Path(write_project(preview, workspace / "demo-approval", allowed_roots=[workspace]).root)
    say(f"  {len(preview.files)} files in {project}")
    for item in preview.files:
        say(f"    {item.path}")

    stage(2, "Validate the handler, its tests and the template against the replay rules")
    from durable_mcp.validator.api import validate_paths

    report = validate_paths([project])
    say(f"  {report.summary}")
    for finding in report.findings:
        say(f"    {finding.path}:{finding.line}:{finding.column} {finding.rule} {finding.message}")
    if report.has_errors:
        raise StageFailed("the generated project has replay-rule errors")

    handler_ref = _handler_ref(language, project)
    stage(3, f"Dry-run {handler_ref.split('/')[-1]} on the local durable engine")
    from durable_mcp.engine.local import LocalEngine

    engine = LocalEngine()
    invoker = _invoker(language, handler_ref, engine, project)
    try:
        arn = engine.start(invoker, json.dumps(INPUT), function_name="demo-approval")
        status = engine.result(arn).status
        callback_id = engine.callback_id(arn, "approval")
        say(f"  execution {arn}")
        say(f"  status {status}, waiting for callback 'approval'")
        if status != "RUNNING" or callback_id is None:
            raise StageFailed(f"expected the execution to wait for the approval callback, got {status}")

        stage(4, "Answer the approval callback")
        say(f"  send_durable_callback(callback_id={callback_id!r}, result={json.dumps(DECISION)})")
        engine.send_callback_success(callback_id, json.dumps(DECISION).encode())
        outcome = engine.result(arn)
    finally:
        closer = getattr(invoker, "close", None)
        if callable(closer):
            closer()
        engine.close()

    stage(5, "Timeline and result")
    from durable_mcp.inspect.fold import fold_history
    from durable_mcp.inspect.render import timeline_lines

    for line in timeline_lines(fold_history(outcome.events)):
        say(f"  {line}")
    say(f"  status: {outcome.status}")
    say(f"  result: {json.dumps(outcome.result)}")
    if outcome.status != "SUCCEEDED":
        raise StageFailed(f"the execution ended {outcome.status}: {outcome.error}")
    say("\nDemo passed: scaffolded, validated, dry-run, approved. Next: `durable-mcp --help`, or add the "
        "server to your MCP client (see README).")
    return 0


def _handler_ref(language: str, project: Path) -> str:
    if language == "python":
        return f"{project / 'src' / 'demo_approval' / 'handler.py'}:handler"
    return f"{project / 'src' / 'index.ts'}:handler"


def _invoker(language: str, handler_ref: str, engine: Any, project: Path) -> Any:
    if language == "python":
        return handler_ref
    from durable_mcp.errors import UserError
    from durable_mcp.runtimes import select_invoker

    if shutil.which("node") is None or shutil.which("npm") is None:
        raise UserError("The TypeScript demo needs Node.js 22+ and npm on PATH (https://nodejs.org), "
                        "or run `durable-mcp demo` for the Python journey.")
    say(f"  installing {JS_SDK} into the project (npm)")
    done = subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", JS_SDK],
                          cwd=project, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise StageFailed(f"npm install failed: {done.stderr.strip()[-500:]}")
    return select_invoker(handler_ref, service=engine.service, function_name="demo-approval")
