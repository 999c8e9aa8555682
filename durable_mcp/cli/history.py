"""``durable-mcp history EXECUTION_ARN [--format events|timeline|mermaid]``."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "history",
        help="print an execution's history (AWS, an endpoint, or the local store)",
        description="Print the history of a durable execution: raw events (JSON), a timeline with one "
        "line per operation, or a Mermaid Gantt chart. Local ARNs (account 000000000000) are read "
        "from --store; others from Lambda (--region, --profile, --endpoint-url). Payloads are "
        "redacted unless --allow-sensitive-data-access is given.",
    )
    parser.add_argument("execution_arn", metavar="EXECUTION_ARN")
    parser.add_argument("--format", choices=("events", "timeline", "mermaid"), default="timeline")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from durable_mcp.aws.session import AwsSettings
    from durable_mcp.inspect.queries import get_history
    from durable_mcp.inspect.sources import open_execution_source

    settings = AwsSettings(profile=args.profile, region=args.region, endpoint_url=args.endpoint_url)
    with open_execution_source(args.execution_arn, settings, args.store) as (client, _):
        view = get_history(
            client, args.execution_arn, format=args.format, include_sensitive=args.allow_sensitive_data_access
        )
    if args.format == "events":
        print(json.dumps(view.model_dump(mode="json")["events"], indent=2))
    elif args.format == "timeline":
        print("\n".join(view.timeline))
    else:
        print(view.mermaid, end="")
    return 0
