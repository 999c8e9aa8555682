"""Stubs: results a dry-run checkpoints in place of running a step or calling a function.

A stub is any JSON value; a mapping holding only ``ErrorType`` (and optionally ``ErrorMessage``) stands
for a failure instead, so a test can take the error path without the real dependency.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from durable_mcp.engine.model import Json


def is_stub_error(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) <= {"ErrorType", "ErrorMessage"} and "ErrorType" in value


def stub_outcome(value: Any) -> tuple[str | None, Json | None]:
    """(JSON result, None) for a stubbed value, or (None, error object) for a stubbed failure."""
    if is_stub_error(value):
        return None, {"ErrorType": str(value["ErrorType"]), "ErrorMessage": str(value.get("ErrorMessage") or "")}
    return json.dumps(value), None
