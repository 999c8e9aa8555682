"""The schema-to-strategy converter the sweep relies on: generated arguments obey the schema, the
malformed ones break it where they claim to, and schemas it does not understand are refused loudly."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tests.robustness.schema_strategies import UnsupportedSchemaError, from_schema, malformed_arguments

# Shaped like the tools' input schemas: nullable lists, bounded integers, enums, free-form values.
TOOL_LIKE: dict[str, Any] = {
    "type": "object",
    "required": ["name", "limit"],
    "properties": {
        "name": {"type": "string", "description": "free text"},
        "limit": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50},
        "ratio": {"type": "number", "minimum": 0, "maximum": 1},
        "mode": {"enum": ["events", "timeline"], "type": "string"},
        "paths": {"type": ["array", "null"], "items": {"type": "string"}},
        "payload": {"description": "any JSON value"},
        "stubs": {"type": ["object", "null"], "additionalProperties": True},
        "parameters": {"type": ["object", "null"], "additionalProperties": {"type": "string"}},
        "choice": {"anyOf": [{"type": "boolean"}, {"type": "null"}]},
    },
}
VALIDATOR = Draft202012Validator(TOOL_LIKE)


@settings(max_examples=300, derandomize=True, database=None)
@given(from_schema(TOOL_LIKE))
def test_generated_arguments_are_valid_against_the_schema(arguments: dict[str, Any]) -> None:
    assert VALIDATOR.is_valid(arguments), list(VALIDATOR.iter_errors(arguments))


@settings(max_examples=300, derandomize=True, database=None)
@given(malformed_arguments(TOOL_LIKE))
def test_malformed_arguments_break_the_schema_where_they_say(case: tuple[str, dict[str, Any] | None]) -> None:
    label, arguments = case
    if label.startswith(("wrong type", "missing required")):
        assert not VALIDATOR.is_valid(arguments)
    elif label == "no arguments":
        assert arguments is None
    elif label == "extra keys":
        assert arguments is not None and set(arguments) - set(TOOL_LIKE["properties"])


@pytest.mark.parametrize("schema", [
    {"type": "string", "pattern": "^a"},
    {"$ref": "#/$defs/Thing"},
    {"type": "string", "format": "date-time"},
    {"type": "object", "properties": {"inner": {"type": "integer", "multipleOf": 3}}},
])
def test_unsupported_keywords_are_refused_not_ignored(schema: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedSchemaError):
        from_schema(schema).validate()


def test_integer_bounds_are_respected_at_the_edges() -> None:
    seen = set()

    @settings(max_examples=200, derandomize=True, database=None)
    @given(from_schema({"type": "integer", "minimum": 1, "maximum": 3}) | st.nothing())
    def collect(value: int) -> None:
        seen.add(value)

    collect()
    assert seen == {1, 2, 3}
