"""One redaction pass applied to every output model of the inspection and AWS libraries.

Output models mark fields that carry customer data with :data:`SENSITIVE` (a plain string such as a
result or a log line) or :data:`WIRE` (a Lambda-shaped dict or list, e.g. raw history events). The
:func:`redact` function walks any model and hides those values unless the caller opted in, so a new
output model is safe as soon as its fields are annotated: there is no second code path to forget.
"""

from __future__ import annotations

from typing import Any, Final, TypeVar

from pydantic import BaseModel

REDACTED: Final = "[redacted: restart durable-mcp with --allow-sensitive-data-access]"


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


SENSITIVE: Final = _Marker("SENSITIVE")
"""Annotated marker: the whole value is customer data (payload, result, error text, log line)."""

WIRE: Final = _Marker("WIRE")
"""Annotated marker: a Lambda wire-shaped structure; only its data-bearing members are hidden."""

# Members of Lambda durable shapes that carry customer data (see the botocore model's sensitive
# shapes). When the value is a nested object (EventResult, EventError, ErrorObject...) we descend,
# so structure such as ``ErrorType`` and ``Truncated`` stays visible.
_WIRE_DATA_KEYS: Final = frozenset(
    {
        "Payload",
        "InputPayload",
        "Result",
        "Input",
        "Reason",
        "ErrorMessage",
        "ErrorData",
        "StackTrace",
    }
)

M = TypeVar("M", bound=BaseModel)


def redact(model: M, include_sensitive: bool = False) -> M:
    """Return ``model`` with every sensitive value replaced by :data:`REDACTED`.

    With ``include_sensitive=True`` the model is returned unchanged.
    """
    if include_sensitive:
        return model
    return _redact_model(model)


def _redact_model(model: M) -> M:
    updates: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if value is None:
            continue
        if SENSITIVE in field.metadata:
            updates[name] = _hide(value)
        elif WIRE in field.metadata:
            updates[name] = scrub_wire(value)
        else:
            replaced = _redact_nested(value)
            if replaced is not value:
                updates[name] = replaced
    return model.model_copy(update=updates) if updates else model


def _redact_nested(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _redact_model(value)
    if isinstance(value, list):
        items = [_redact_nested(item) for item in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, dict):
        entries = {key: _redact_nested(item) for key, item in value.items()}
        return entries if any(entries[k] is not value[k] for k in value) else value
    return value


def _hide(value: Any) -> Any:
    if isinstance(value, list):
        return [REDACTED for _ in value]
    return REDACTED


def scrub_wire(value: Any) -> Any:
    """Hide the data-bearing members of a Lambda-shaped dict/list, keeping its structure."""
    if isinstance(value, list):
        return [scrub_wire(item) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in _WIRE_DATA_KEYS and item is not None and not isinstance(item, dict):
            out[key] = REDACTED
        else:
            out[key] = scrub_wire(item)
    return out
