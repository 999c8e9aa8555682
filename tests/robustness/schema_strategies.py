"""Hypothesis strategies from the JSON schemas the server publishes for its tools.

Only the subset the tool schemas use is understood: object (properties, required, additionalProperties),
string, integer and number (with minimum/maximum), boolean, null, array (items), enum, anyOf/oneOf and
type lists. Any other keyword raises, so a new tool with a richer schema is noticed instead of being
swept with arguments that ignore part of its schema.

Strings mix arbitrary text with a pool of values shaped like what the tools expect (ARNs, handler
references, languages, source code), so generated calls get past the first checks into the libraries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st
from jsonschema import Draft202012Validator

# Keywords that describe a value without constraining it.
ANNOTATIONS = frozenset({"description", "default", "title", "examples"})
UNDERSTOOD = ANNOTATIONS | {
    "type", "enum", "properties", "required", "additionalProperties", "items",
    "minimum", "maximum", "anyOf", "oneOf",
}

LOCAL_ARN = "arn:aws:lambda:us-east-1:000000000000:function:orders:$LATEST/durable-execution/run-1/0f1e2d3c"
PYTHON_HANDLER = (
    "from aws_durable_execution_sdk_python import DurableContext, durable_execution\n\n"
    "@durable_execution\n"
    "def handler(event: dict, context: DurableContext) -> dict:\n"
    "    import random\n"
    "    return {'n': random.random()}\n"
)
TS_HANDLER = (
    'import { withDurableExecution } from "@aws/durable-execution-sdk-js";\n'
    "export const handler = withDurableExecution(async (event, context) => {\n"
    "  await context.wait({ seconds: 5 });\n"
    '  return context.step("s", async () => Date.now());\n'
    "});\n"
)
TEMPLATE = (
    "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n"
    "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.13\n"
    "      Handler: app.handler\n      DurableConfig: {ExecutionTimeout: 900}\n"
)
DOMAIN_STRINGS: tuple[str, ...] = (
    "", " ", ".", "..", "../outside", "src", "src/handler.py:handler", "app.ts:handler", "index.js:handler",
    "missing.py:nope", "handler.py", ":", "a:b:c", "python", "typescript", "javascript", "cloudformation",
    "sam", "cdk", "auto", "basic", "saga", "human-approval", "polling", "agent", "batch", "order-approval",
    "orders:live", "orders:$LATEST", "orders:1", "orders", LOCAL_ARN, LOCAL_ARN.replace("run-1/0f1e2d3c", "x"),
    "arn:aws:lambda:us-east-1:000000000000:function:orders", "RUNNING", "FAILED", "SUCCEEDED",
    "2026-01-31T12:00:00Z", "2026-13-99", "DR001", "DR01", "DT", "{}", "null", '{"a": [1, 2]}', "callbacks",
    "saga with compensation", PYTHON_HANDLER, TS_HANDLER, TEMPLATE, "Resources: {}", "def handler(:\n",
)

JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(
    max_size=20
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
STRINGS = st.text(max_size=40) | st.sampled_from(DOMAIN_STRINGS)


Hints = Mapping[str, st.SearchStrategy[Any]]


class UnsupportedSchemaError(ValueError):
    """The schema uses a keyword this converter does not implement."""


def from_schema(schema: dict[str, Any] | bool, hints: Hints | None = None) -> st.SearchStrategy[Any]:
    """A strategy for values valid against ``schema`` (the subset described in the module docstring).

    ``hints`` offers extra candidate values for top-level properties by name (an existing handler for
    ``handler``, a known ARN for ``execution_arn``); those not valid for the property are dropped.
    """
    if schema is True or schema == {}:
        return JSON_VALUES
    if schema is False:
        raise UnsupportedSchemaError("a false schema admits no value")
    assert isinstance(schema, dict)
    unknown = set(schema) - UNDERSTOOD
    if unknown:
        raise UnsupportedSchemaError(f"unsupported keywords {sorted(unknown)} in {schema}")
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            rest = {k: v for k, v in schema.items() if k != combinator}
            return st.one_of([from_schema(rest | option) for option in schema[combinator]])
    kind = schema.get("type")
    if kind is None:
        return JSON_VALUES
    if isinstance(kind, list):
        return st.one_of([from_schema(schema | {"type": one}) for one in kind])
    return _typed(kind, schema, hints)


def _typed(kind: str, schema: dict[str, Any], hints: Hints | None = None) -> st.SearchStrategy[Any]:
    if kind == "string":
        return STRINGS
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum"), max_value=schema.get("maximum"))
    if kind == "number":
        return st.floats(min_value=schema.get("minimum"), max_value=schema.get("maximum"), allow_nan=False,
                         allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        return st.lists(from_schema(schema.get("items", True)), max_size=5)
    if kind == "object":
        return _object(schema, hints or {})
    raise UnsupportedSchemaError(f"unsupported type {kind!r}")


def _object(schema: dict[str, Any], hints: Hints) -> st.SearchStrategy[dict[str, Any]]:
    properties: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))

    def values(name: str, sub: dict[str, Any]) -> st.SearchStrategy[Any]:
        plain = from_schema(sub)
        if name not in hints:
            return plain
        return hints[name].filter(Draft202012Validator(sub).is_valid) | plain

    fixed = st.fixed_dictionaries(
        {name: values(name, sub) for name, sub in properties.items() if name in required},
        optional={name: values(name, sub) for name, sub in properties.items() if name not in required},
    )
    extra = schema.get("additionalProperties", False)
    if extra is False:
        return fixed
    extra_keys = st.text(max_size=12).filter(lambda key: key not in properties)
    more = st.dictionaries(extra_keys, from_schema(extra), max_size=3)
    return st.builds(lambda known, added: added | known, fixed, more)


# --- malformed arguments -------------------------------------------------------------------------

HUGE_STRINGS = st.sampled_from((10_000, 200_000, 1_000_000)).flatmap(
    lambda size: st.sampled_from("x\u00e9\u4e2d\U0001f600").map(lambda char: char * size)
)
# Control characters, NUL, bidi overrides, combining marks, emoji and non-BMP text; no lone surrogates,
# which JSON text cannot carry through the client's encoder.
TRICKY_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=("Cc", "Cf", "Mn", "So", "Lo", "Zs", "Zl", "Zp")),
    min_size=1, max_size=60,
) | st.sampled_from(("\x00", "a\x00b.py:handler", "\u202e", "..\\..\\x", "\n" * 50, "$(touch pwned)", "%s%n"))
# The SDK's stdio transport parses each message with pydantic-core, which refuses JSON nested about 200
# levels deep and drops such a request unanswered; the client's encoder refuses about 255 levels. Junk
# stays well below the first; the sweep sends one request between the two on purpose.
JUNK_MAX_DEPTH = 108
UNPARSEABLE_DEPTH = 230


def nest(depth: int) -> Any:
    value: Any = "bottom"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


NESTED_JUNK = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, min_size=1, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=40,
) | st.integers(min_value=20, max_value=JUNK_MAX_DEPTH).map(nest)


def malformed_arguments(schema: dict[str, Any]) -> st.SearchStrategy[tuple[str, dict[str, Any] | None]]:
    """Pairs of (what is wrong, arguments) for one tool's input schema."""
    properties: dict[str, Any] = schema.get("properties", {})
    required: list[str] = list(schema.get("required", ()))
    valid = from_schema(schema)
    names = sorted(properties)
    cases: list[st.SearchStrategy[tuple[str, dict[str, Any] | None]]] = [
        st.just(("no arguments", None)),
        st.tuples(st.just("extra keys"), st.builds(
            lambda args, extra: extra | args, valid,
            st.dictionaries(st.text(min_size=1, max_size=30).filter(lambda k: k not in properties), NESTED_JUNK,
                            min_size=1, max_size=4),
        )),
    ]
    if required:
        cases.append(st.tuples(st.just("missing required"), st.builds(
            lambda args, drop: {k: v for k, v in args.items() if k != drop}, valid, st.sampled_from(required),
        )))
    if names:
        cases += [
            _replace("wrong type", valid, names, lambda name: JSON_VALUES.filter(_invalid_for(properties[name]))),
            _replace("null", valid, names, lambda _: st.none()),
            _replace("huge string", valid, names, lambda _: HUGE_STRINGS),
            _replace("tricky unicode", valid, names, lambda _: TRICKY_TEXT),
            _replace("nested junk", valid, names, lambda _: NESTED_JUNK),
        ]
    return st.one_of(cases)


def _invalid_for(schema: Any) -> Any:
    validator = Draft202012Validator(schema)
    return lambda value: not validator.is_valid(value)


def _replace(
    label: str, valid: st.SearchStrategy[dict[str, Any]], names: list[str], values: Any,
) -> st.SearchStrategy[tuple[str, dict[str, Any] | None]]:
    @st.composite
    def build(draw: st.DrawFn) -> tuple[str, dict[str, Any] | None]:
        args = dict(draw(valid))
        name = draw(st.sampled_from(names))
        args[name] = draw(values(name))
        return f"{label}: {name}", args

    return build()


def unknown_tool_names(known: set[str]) -> st.SearchStrategy[str]:
    near_misses = sorted({variant for name in known for variant in (name.upper(), f"{name} ", f"{name}_v2")})
    return (st.text(min_size=1, max_size=40) | st.sampled_from(near_misses) | st.just("")).filter(
        lambda name: name not in known
    )
