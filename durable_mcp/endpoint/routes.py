"""The Lambda REST paths the endpoint serves and how each maps onto a service method.

A route names the boto3-style service method, where each input member comes from (URI label,
query string, header, JSON body, or the whole body as one member) and the success status.
Keeping that in one table mirrors the botocore model, so a wrong location is a one-line fix.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any
from urllib.parse import parse_qs, unquote

from durable_mcp.endpoint.wire import parse_bool, parse_timestamp

DURABLE_PREFIX = "2025-12-01"
INVOKE_PREFIX = "2015-03-31"

# Larger bodies are refused before parsing; the service enforces each member's own limit.
MAX_REQUEST_BYTES = 8 * 1024 * 1024


class RequestError(Exception):
    """A request the endpoint refuses before it reaches the service."""

    def __init__(self, code: str, message: str, http_status: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status


def invalid(message: str) -> RequestError:
    return RequestError("InvalidParameterValueException", message, 400)


class Body(Enum):
    NONE = "none"
    MEMBERS = "members"  # a JSON object whose keys are input members
    ERROR_OBJECT = "error"  # the whole JSON body is the ``Error`` member (ErrorObject)
    RESULT_BLOB = "blob"  # the raw body is the ``Result`` member (bytes)
    INVOKE_PAYLOAD = "payload"  # the raw body is the ``Payload`` member (bytes)


Parser = Callable[[list[str]], Any]


def _one(convert: Callable[[str], Any]) -> Parser:
    def parse(values: list[str]) -> Any:
        return convert(values[-1])

    return parse


TEXT = _one(str)
INT = _one(int)
BOOL = _one(parse_bool)
TIMESTAMP = _one(parse_timestamp)


def _strings(values: list[str]) -> list[str]:
    return list(values)


@dataclass(frozen=True)
class Route:
    http_method: str
    template: tuple[str, ...]
    operation: str  # DurableService method name
    status: int = 200
    query: Mapping[str, Parser] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case header -> member
    body: Body = Body.NONE

    def match(self, method: str, segments: list[str]) -> dict[str, str] | None:
        if method != self.http_method or len(segments) != len(self.template):
            return None
        labels: dict[str, str] = {}
        for pattern, segment in zip(self.template, segments, strict=True):
            if pattern.startswith("{"):
                if not segment:
                    return None
                labels[pattern.strip("{}")] = segment
            elif pattern != segment:
                return None
        return labels


def _execution(*tail: str) -> tuple[str, ...]:
    return (DURABLE_PREFIX, "durable-executions", "{DurableExecutionArn}", *tail)


def _callback(action: str) -> tuple[str, ...]:
    return (DURABLE_PREFIX, "durable-execution-callbacks", "{CallbackId}", action)


ROUTES: tuple[Route, ...] = (
    Route("POST", _execution("checkpoint"), "checkpoint_durable_execution", body=Body.MEMBERS),
    Route(
        "GET",
        _execution("state"),
        "get_durable_execution_state",
        query={"CheckpointToken": TEXT, "Marker": TEXT, "MaxItems": INT},
    ),
    Route(
        "GET",
        _execution("history"),
        "get_durable_execution_history",
        query={"IncludeExecutionData": BOOL, "MaxItems": INT, "Marker": TEXT, "ReverseOrder": BOOL},
    ),
    Route("GET", _execution(), "get_durable_execution", query={"IncludeExecutionData": BOOL}),
    Route("POST", _execution("stop"), "stop_durable_execution", body=Body.ERROR_OBJECT),
    Route("POST", _execution("pause"), "pause_durable_execution", status=202, body=Body.MEMBERS),
    Route("POST", _execution("resume"), "resume_durable_execution", status=202, body=Body.MEMBERS),
    Route("DELETE", _execution(), "delete_durable_execution", status=202),
    Route(
        "GET",
        (DURABLE_PREFIX, "functions", "{FunctionName}", "durable-executions"),
        "list_durable_executions_by_function",
        query={
            "Qualifier": TEXT,
            "DurableExecutionName": TEXT,
            "Statuses": _strings,
            "StartedAfter": TIMESTAMP,
            "StartedBefore": TIMESTAMP,
            "ReverseOrder": BOOL,
            "Marker": TEXT,
            "MaxItems": INT,
        },
    ),
    Route("POST", _callback("succeed"), "send_durable_execution_callback_success", body=Body.RESULT_BLOB),
    Route("POST", _callback("fail"), "send_durable_execution_callback_failure", body=Body.ERROR_OBJECT),
    Route("POST", _callback("heartbeat"), "send_durable_execution_callback_heartbeat"),
    Route(
        "POST",
        (INVOKE_PREFIX, "functions", "{FunctionName}", "invocations"),
        "invoke",
        query={"Qualifier": TEXT},
        headers={
            "x-amz-invocation-type": "InvocationType",
            "x-amz-durable-execution-name": "DurableExecutionName",
        },
        body=Body.INVOKE_PAYLOAD,
    ),
)


@dataclass(frozen=True)
class Call:
    route: Route
    kwargs: dict[str, Any]


def split_target(target: str) -> tuple[list[str], dict[str, list[str]]]:
    """Split a request target into decoded path segments and query values.

    The execution ARN is one percent-encoded segment (``/`` is ``%2F``), so the path is split
    before decoding.
    """
    path, _, query = target.partition("?")
    segments = [unquote(part) for part in path.strip("/").split("/")]
    return segments, parse_qs(query, keep_blank_values=True)


def resolve(method: str, target: str, headers: Mapping[str, str], body: bytes) -> Call:
    """Map one HTTP request onto a service call, or raise :class:`RequestError`."""
    segments, query = split_target(target)
    for route in ROUTES:
        labels = route.match(method, segments)
        if labels is not None:
            return Call(route, _build_kwargs(route, labels, query, headers, body))
    raise RequestError("UnknownOperationException", f"No Lambda operation at {method} /{'/'.join(segments)}", 404)


def _build_kwargs(
    route: Route,
    labels: dict[str, str],
    query: dict[str, list[str]],
    headers: Mapping[str, str],
    body: bytes,
) -> dict[str, Any]:
    kwargs: dict[str, Any] = dict(labels)
    for name, parse in route.query.items():
        if name in query:
            try:
                kwargs[name] = parse(query[name])
            except ValueError as exc:
                raise invalid(f"Invalid value for query parameter {name}: {exc}") from exc
    lowered = {key.lower(): value for key, value in headers.items()}
    for header, member in route.headers.items():
        if header in lowered:
            kwargs[member] = lowered[header]
    if route.body is Body.MEMBERS:
        kwargs.update(_json_object(body))
    elif route.body is Body.ERROR_OBJECT and body.strip():
        kwargs["Error"] = _json_object(body)
    elif route.body is Body.RESULT_BLOB:
        kwargs["Result"] = body
    elif route.body is Body.INVOKE_PAYLOAD:
        kwargs.setdefault("InvocationType", "RequestResponse")
        kwargs["Payload"] = body
    return kwargs


def _json_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        decoded = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RequestError("SerializationException", f"Request body is not valid JSON: {exc}", 400) from exc
    if not isinstance(decoded, dict):
        raise RequestError("SerializationException", "Request body must be a JSON object", 400)
    return decoded
