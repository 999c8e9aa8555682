"""``durable-mcp scaffold NAME --out DIR``: generate a durable function project.

The person at the terminal chose the directory, so the files are written directly (no preview
step); the output directory must lie inside the working directory, the one allowed root.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

PATTERN_CHOICES = ("basic", "human-approval", "saga", "batch", "polling", "agent")


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "scaffold",
        help="generate a durable function project (handler, tests, IaC, README)",
        description="Generate a complete durable function project: handler, tests on the official "
        "local runner, package manifest and configs, and the infrastructure as code.",
    )
    parser.add_argument("name", help="project name, e.g. order-workflow")
    parser.add_argument("--language", default="typescript", help="typescript (default), javascript or python")
    parser.add_argument("--iac", default="cdk", help="cdk (default), sam or cloudformation")
    parser.add_argument("--pattern", default="basic", choices=PATTERN_CHOICES, help="workflow pattern (default basic)")
    parser.add_argument("--out", required=True, help="directory to create (must not exist or be empty)")
    parser.add_argument("--overwrite", action="store_true", help="replace a non-empty output directory")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from durable_mcp.scaffold import ProjectSpec, render_project, write_project

    spec = ProjectSpec(name=args.name, language=args.language, iac=args.iac, pattern=args.pattern)
    preview = render_project(spec)
    out = Path(args.out).expanduser().resolve()
    written = write_project(preview, out, overwrite=args.overwrite, allowed_roots=[Path.cwd()])
    print(f"Created {written.root} ({len(written.files)} files). Next steps:")
    for command in [f"cd {written.root}", *written.next_steps]:
        print(f"  {command}")
    return 0
