"""``durable-mcp diagnose EXECUTION_ARN``: why an execution failed or what it waits for (read-only)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "diagnose",
        help="explain why an execution failed or what it is waiting for (read-only)",
        description="Diagnose a durable execution from its history: the failing operation and error type, "
        "pending callbacks (id, timeout and heartbeat deadlines), waits, retries, timeouts, "
        "non-determinism and chained invoke failures, with next steps and the console link. "
        "Exit 0 when it succeeded or is still running, 1 when it ended unsuccessfully.",
    )
    parser.add_argument("execution_arn", metavar="EXECUTION_ARN")
    parser.add_argument("--json", action="store_true", help="print the diagnosis as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from durable_mcp.aws.session import AwsSettings
    from durable_mcp.inspect.queries import diagnose_execution
    from durable_mcp.inspect.render import render_diagnosis
    from durable_mcp.inspect.sources import open_execution_source

    settings = AwsSettings(profile=args.profile, region=args.region, endpoint_url=args.endpoint_url)
    with open_execution_source(args.execution_arn, settings, args.store) as (client, _):
        diagnosis = diagnose_execution(client, args.execution_arn, include_sensitive=args.allow_sensitive_data_access)
    print(diagnosis.model_dump_json(indent=2) if args.json else render_diagnosis(diagnosis))
    return 1 if diagnosis.status in {"FAILED", "TIMED_OUT", "STOPPED"} else 0
