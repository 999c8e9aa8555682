"""``durable-mcp validate PATH... [--format text|json|sarif] [--select ...] [--ignore ...] [--fix]``."""

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
    parser.add_argument("--fix", action="store_true",
                        help="apply the safe autofixes to the files, then report what remains (summary on stderr)")
    parser.set_defaults(handler=run)


def _codes(value: str | None) -> list[str] | None:
    return [code for code in value.split(",") if code.strip()] if value else None


def run(args: argparse.Namespace) -> int:
    from durable_mcp.validator.api import resolve_selection, validate_paths
    from durable_mcp.validator.output import RENDERERS

    select, ignore = _codes(args.select), _codes(args.ignore)
    report = validate_paths(args.paths, select=select, ignore=ignore)
    if args.fix:
        from durable_mcp.validator.autofix import apply_safe_fixes

        outcome = apply_safe_fixes(report.findings, resolve_selection(select, ignore))
        for note in outcome.skipped:
            sys.stderr.write(f"{note}\n")
        files = len(outcome.files)
        sys.stderr.write(f"Fixed {outcome.fixed} finding{'' if outcome.fixed == 1 else 's'} in {files} "
                         f"file{'' if files == 1 else 's'}.\n")
        if outcome.files:
            report = validate_paths(args.paths, select=select, ignore=ignore)
    sys.stdout.write(RENDERERS[args.format](report))
    return 1 if report.has_errors else 0
