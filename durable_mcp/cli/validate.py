"""``durable-mcp validate PATH... [--format text|json|sarif] [--select ...] [--ignore ...]``."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "validate",
        help="check durable handlers and templates for replay problems (rules DR001-DR019)",
        description="Check Python, TypeScript and JavaScript durable handlers and CloudFormation/SAM "
        "templates. Exit 1 when an error-severity finding exists, 0 otherwise, 2 on usage errors.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (walked, .gitignore honoured)")
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    parser.add_argument("--select", default=None, help="comma-separated rule ids or prefixes to enable")
    parser.add_argument("--ignore", default=None, help="comma-separated rule ids or prefixes to disable")
    parser.set_defaults(handler=run)


def _codes(value: str | None) -> list[str] | None:
    return [code for code in value.split(",") if code.strip()] if value else None


def run(args: argparse.Namespace) -> int:
    from durable_mcp.validator.api import validate_paths
    from durable_mcp.validator.output import RENDERERS

    report = validate_paths(args.paths, select=_codes(args.select), ignore=_codes(args.ignore))
    sys.stdout.write(RENDERERS[args.format](report))
    return 1 if report.has_errors else 0
