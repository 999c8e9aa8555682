"""A synchronous Invoke that returns the execution's settled outcome.

``DurableService.invoke`` drives its execution in the calling thread. When the endpoint's
background driver picked up the same execution first, that drive returns while the invocation
is still in flight elsewhere, and the caller would get an empty payload for an execution that is
about to finish. Here the invoke is repeated by the execution's own name (Lambda's idempotent
re-invoke: same name, same payload, same execution) until no invocation is running or due.
"""

from __future__ import annotations

import base64
from typing import Any

SETTLE_POLL_S = 0.02
LOG_TAIL_BYTES = 4096  # what Lambda returns for LogType=Tail


def settled_invoke(service: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = service.invoke(**kwargs)
    arn = response.get("DurableExecutionArn")
    if kwargs.get("InvocationType", "RequestResponse") != "RequestResponse" or not arn:
        return response
    again = {**kwargs, "DurableExecutionName": arn.split("/")[-2]}
    while _busy(service.record(arn)) and service.waiting_for_function(arn) is None:
        service.wait_for_news(SETTLE_POLL_S)
        response = service.invoke(**again)
    return response


def _busy(record: Any) -> bool:
    return not record.terminal and bool(record.token_live or record.invoke_due)


def with_log_tail(service: Any, response: dict[str, Any]) -> dict[str, Any]:
    """Add ``LogResult``: the base64 of the execution log's last 4 KB, as Invoke with LogType=Tail does."""
    arn = response.get("DurableExecutionArn")
    logs = getattr(service, "logs", None)
    if not arn or logs is None:
        return response
    tail = "\n".join(logs(arn)).encode("utf-8")[-LOG_TAIL_BYTES:]
    return {**response, "LogResult": base64.b64encode(tail).decode("ascii")}
