"""rest-json encoding shared by every route: bodies, timestamps, errors.

Lambda's rest-json protocol puts timestamps in bodies as epoch seconds (botocore's default
``unixTimestamp`` format) and names errors in the ``x-amzn-ErrorType`` header; botocore reads the
code from that header and the text from ``message`` or ``Message`` depending on the shape, so
the error body carries both spellings.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

# Errors whose fault is the caller's; everything else is reported as a service fault.
_SERVER_FAULT_MIN_STATUS = 500


def to_wire(value: Any) -> Any:
    """Convert a boto3-shaped value (datetimes, bytes, nested dicts) into JSON-ready data."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return round(aware.timestamp(), 3)
    if isinstance(value, dict):
        return {key: to_wire(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [to_wire(item) for item in value]
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def encode_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(to_wire(payload), separators=(",", ":")).encode("utf-8")


def error_body(code: str, message: str, http_status: int) -> bytes:
    fault = "Service" if http_status >= _SERVER_FAULT_MIN_STATUS else "User"
    body = {"Type": fault, "message": message, "Message": message, "__type": code}
    return json.dumps(body).encode("utf-8")


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise ValueError(f"expected true or false, got {text!r}")
    return lowered == "true"


def parse_timestamp(text: str) -> datetime:
    """Query-string timestamps arrive as ISO-8601 (boto3, CLI) or, rarely, epoch seconds."""
    stripped = text.strip()
    try:
        return datetime.fromtimestamp(float(stripped), tz=UTC)
    except ValueError:
        pass
    parsed = datetime.fromisoformat(stripped.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
