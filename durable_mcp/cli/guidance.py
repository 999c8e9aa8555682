"""``durable-mcp guidance TOPIC`` and ``durable-mcp prerequisites``: the guidance tools on the command line."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    guidance = sub.add_parser("guidance", help="print the reference docs for a topic (e.g. 'callbacks')")
    guidance.add_argument("topic", nargs="+", help="free text")
    guidance.set_defaults(handler=run_guidance)
    prerequisites = sub.add_parser("prerequisites", help="check AWS CLI, credentials, Node, Python, SAM and CDK")
    prerequisites.add_argument("--json", action="store_true", help="print the report as JSON")
    prerequisites.set_defaults(handler=run_prerequisites)


def run_guidance(args: argparse.Namespace) -> int:
    from durable_mcp.guidance.routing import get_durable_guidance

    result = get_durable_guidance(" ".join(args.topic))
    if not result.matches:
        sys.stdout.write(result.note + "\n")
        for doc in result.index:
            sys.stdout.write(f"  {doc.name}: {doc.title}\n")
        return 0
    for match in result.matches:
        sys.stdout.write(f"=== {match.title} ({match.uri}) ===\n{match.content}\n\n")
    return 0


def run_prerequisites(args: argparse.Namespace) -> int:
    from durable_mcp.guidance.prerequisites import check_durable_prerequisites

    report = check_durable_prerequisites(profile=args.profile, region=args.region)
    if args.json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
        return 0
    for check in report.checks:
        found = check.found or "not found"
        fix = f"  -> {check.fix}" if check.fix and check.verdict != "ok" else ""
        sys.stdout.write(f"{check.verdict:>9}  {check.name:<16} {found:<24} needs {check.requirement}{fix}\n")
    sys.stdout.write(report.summary + "\n")
    return 0
