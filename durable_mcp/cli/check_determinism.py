"""``durable-mcp check-determinism PATH:handler [--input JSON] [--format text|json]``.

Exit 0 when no divergence was found, 1 when one was, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from durable_mcp.cli.run import add_stub_options
from durable_mcp.determinism.method import DESCRIPTION


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "check-determinism",
        help="replay a handler with perturbed clock/random/UUIDs and simulated crashes; report divergences",
        description=DESCRIPTION,
    )
    parser.add_argument("handler_ref", metavar="PATH:handler", help="handler file (.py .ts .js .mjs .cjs) and export")
    parser.add_argument("--input", default=None, metavar="JSON", help="execution input as JSON text")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_stub_options(parser)
    parser.add_argument(
        "--on-callback",
        action="append",
        default=[],
        metavar="NAME=succeed:JSON|NAME=fail:MESSAGE",
        help="answer callback NAME (or *) this way; default: every callback succeeds with null",
    )
    parser.add_argument(
        "--function",
        dest="functions",
        action="append",
        default=[],
        metavar="NAME=PATH:handler",
        help="a chained-invoke target the handler calls by NAME (runs for real); repeatable",
    )
    parser.add_argument("--no-interruptions", action="store_true", help="skip the simulated-crash test")
    parser.add_argument("--max-interruptions", type=int, default=40, metavar="N", help="crash points to try")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from durable_mcp.cli.endpoint import parse_function_spec
    from durable_mcp.cli.run import parse_options
    from durable_mcp.determinism import check_determinism

    on_callback, stubs, invoke_stubs = parse_options(args)
    functions = dict(parse_function_spec(spec) for spec in args.functions)
    report = check_determinism(
        args.handler_ref,
        args.input,
        stub_steps=stubs,
        stub_invokes=invoke_stubs,
        on_callback=on_callback or None,
        interruptions=not args.no_interruptions,
        max_interruptions=args.max_interruptions,
        functions=functions,
    )
    if args.format == "json":
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(render_text(report))
    return 0 if report.deterministic else 1


def render_text(report: Any) -> str:
    lines = [f"{report.handler}: {report.invocations} invocation(s), {report.status}"]
    if not report.divergences:
        lines.append("replay: no divergence with a perturbed clock, random numbers and UUIDs")
    for divergence in report.divergences:
        lines.append(f"replay: DIVERGENCE ({divergence.kind}) {divergence.message}")
        for read in divergence.sources:
            lines.append(f"  {read.file}:{read.line}: {read.source} read outside a step")
    if report.interruption is not None:
        interruption = report.interruption
        tried = interruption.interruptions_run
        lines.append(f"interruptions: {tried} crash point(s) of {interruption.checkpoints} checkpoint(s)")
        for finding in interruption.findings:
            lines.append(f"  after checkpoint {finding.after_checkpoint}: {finding.kind}: {finding.message}")
    lines.append("deterministic" if report.deterministic else "NOT deterministic")
    return "\n".join(lines) + "\n"
