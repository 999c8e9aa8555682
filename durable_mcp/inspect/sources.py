"""Pick where an execution is read from: the local store (local ARNs) or Lambda (AWS or an endpoint)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from durable_mcp.aws.arns import parse_execution_arn
from durable_mcp.aws.session import AwsClients, AwsSettings, LambdaLike


@contextmanager
def open_execution_source(
    arn: str, settings: AwsSettings | None = None, store: str | Path | None = None
) -> Iterator[tuple[LambdaLike, AwsClients]]:
    """Yield the Lambda-like client that owns ``arn`` and the clients (for logs).

    Local executions (account 000000000000) are read from the SQLite store (``store``, default the
    server's store) unless an endpoint is configured, in which case the endpoint serves them. AWS
    executions default to the region in their ARN.
    """
    parsed = parse_execution_arn(arn)
    settings = settings or AwsSettings()
    if parsed.is_local and not settings.lambda_endpoint:
        from durable_mcp.engine.local import LocalEngine
        from durable_mcp.paths import default_store_path

        engine = LocalEngine(store=store or default_store_path())
        try:
            clients = AwsClients(settings, local=engine.service, local_logs=engine.logs)
            yield engine.service, clients
        finally:
            engine.close()
        return
    if settings.region is None:
        settings = settings.model_copy(update={"region": parsed.region})
    clients = AwsClients(settings)
    yield clients.lambda_for(arn), clients
