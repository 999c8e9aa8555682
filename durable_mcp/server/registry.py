"""How tools are declared: one call fixes name, annotations, gate class and error translation.

Annotations are derived from the tool's :class:`Access`, so a tool cannot claim to be read-only while
being registered as a writer, and the policy test checks every tool from this one table. Library
errors a caller can fix (:class:`UserError`) become ``ToolError`` with the same words; anything else is
logged and reported as an internal error instead of the SDK's bare "Error executing tool".
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, get_args

import structlog
from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.utilities.func_metadata import FuncMetadata
from mcp.types import ToolAnnotations

from durable_mcp.engine.errors import ServiceError
from durable_mcp.errors import UserError
from durable_mcp.server.policy import Access

TOOL_ACCESS: dict[str, Access] = {}
log = structlog.get_logger(__name__)


# botocore refuses these arguments before sending anything (a malformed region, a parameter of the
# wrong shape); the words name the argument, so the caller can fix it.
BOTOCORE_INPUT_ERRORS = frozenset({"InvalidRegionError", "ParamValidationError"})


def translate_error(name: str, exc: Exception) -> ToolError:
    """The ``ToolError`` a client sees for ``exc`` raised by tool ``name`` (or by one of its resolvers)."""
    # Tools that report progress run their work in a task group, which wraps whatever it raises.
    if isinstance(exc, ExceptionGroup) and len(exc.exceptions) == 1:
        return translate_error(name, exc.exceptions[0])
    if isinstance(exc, ToolError):
        return exc
    if isinstance(exc, UserError):
        return ToolError(str(exc))
    if type(exc).__module__ == "botocore.exceptions" and type(exc).__name__ in BOTOCORE_INPUT_ERRORS:
        return ToolError(f"AWS refused the arguments before sending the request: {exc}")
    if isinstance(exc, ValueError) and "embedded null byte" in str(exc):
        return ToolError("A path or name argument contains a NUL character (\\x00), which no file path can hold.")
    if isinstance(exc, ServiceError) and exc.http_status < 500:
        # The local engine refusing a request the way Lambda would (a bad execution name, an unknown ARN).
        return ToolError(f"The local durable engine refused the request: {exc}")
    log.error("tool crashed", tool=name, error_type=type(exc).__name__, exc_info=exc)
    return ToolError(
        f"internal error in {name} ({type(exc).__name__}: {exc}). The server is still running; "
        "this is a durable-mcp bug, please report it with the arguments you used."
    )


def _with_errors(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return await fn(*args, **kwargs)
            except Exception as exc:
                raise translate_error(name, exc) from exc

        return async_wrapper

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise translate_error(name, exc) from exc

    return wrapper


class TextKeepingMetadata(FuncMetadata):
    """The SDK decodes JSON text sent for any parameter not annotated exactly ``str`` (some clients send
    lists as text), so a ``str | None`` parameter given '{"Resources": {}}', '[1]' or 'true' received a
    dict, list or bool and refused it. Parameters that accept text keep the text the caller sent."""

    def pre_parse_json(self, data: dict[str, Any]) -> dict[str, Any]:
        parsed = super().pre_parse_json(data)
        fields = self.arg_model.model_fields
        return {key: data[key] if key in fields and str in get_args(fields[key].annotation) else value
                for key, value in parsed.items()}


def add_tool(
    mcp: MCPServer[Any],
    fn: Callable[..., Any],
    *,
    name: str,
    title: str,
    access: Access,
    open_world: bool,
    idempotent: bool = False,
    destructive: bool = False,
) -> None:
    annotations = ToolAnnotations(
        read_only_hint=access is Access.READ,
        destructive_hint=destructive if access is not Access.READ else False,
        idempotent_hint=idempotent,
        open_world_hint=open_world,
    )
    mcp.add_tool(_with_errors(name, fn), name=name, title=title, annotations=annotations, structured_output=True)
    TOOL_ACCESS[name] = access
    # Pydantic titles every property ("Files Checked"); they repeat the names and cost agents context.
    tool = mcp._tool_manager.get_tool(name)
    if tool is not None:
        meta = tool.fn_metadata
        tool.fn_metadata = TextKeepingMetadata(arg_model=meta.arg_model, output_schema=meta.output_schema,
                                               output_model=meta.output_model, wrap_output=meta.wrap_output)
        tool.description = " ".join((tool.description or "").split())
        tool.parameters = compact_schema(tool.parameters)
        if tool.fn_metadata.output_schema is not None:
            # Output schemas serve validation; the meaning of each field is in the tool description.
            schema = compact_schema(_shallow(compact_schema(tool.fn_metadata.output_schema)))
            tool.fn_metadata.output_schema = _without_descriptions(schema)


def compact_schema(schema: Any, *, model_level: bool = True) -> Any:
    """Drop generated ``title`` keywords and model docstrings from a JSON schema.

    Field descriptions stay: they tell the agent what a value means. Model docstrings (the
    ``description`` of an object schema) are for code readers and repeat in every tool using the model.
    """
    if isinstance(schema, list):
        return [compact_schema(item, model_level=False) for item in schema]
    if not isinstance(schema, dict):
        return schema
    is_model = model_level and "properties" in schema
    nullable = _nullable_simple_type(schema)
    if nullable is not None:
        schema = {k: v for k, v in schema.items() if k != "anyOf"} | nullable
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title" and isinstance(value, str):
            continue
        if key == "description" and is_model:
            continue
        if key == "default" and value is None:
            continue
        if key in ("$defs", "definitions") and isinstance(value, dict):
            out[key] = {name: compact_schema(sub) for name, sub in value.items()}
        elif key in ("properties", "patternProperties") and isinstance(value, dict):
            out[key] = {name: compact_schema(sub, model_level=False) for name, sub in value.items()}
        else:
            out[key] = compact_schema(value, model_level=False)
    return out


OUTPUT_SCHEMA_DEPTH = 2
NESTED_FIELD_LIMIT = 12  # a nested record wider than this is described as a plain object


def _shallow(schema: dict[str, Any]) -> dict[str, Any]:
    """Inline model references two object levels deep; deeper (or very wide nested) models become plain
    objects.

    The top of every result (and the models directly inside it) keeps exact field names and types,
    which is what agents and clients rely on; the full nesting of every model cost more context than
    it was worth (``tools/list`` has a budget of 25,000 characters).
    """
    defs: dict[str, Any] = schema.get("$defs", {})

    def walk(node: Any, depth: int) -> Any:
        if isinstance(node, list):
            return [walk(item, depth) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            target = defs[str(node["$ref"]).rsplit("/", 1)[-1]]
            wide = depth >= 1 and len(target.get("properties", {})) > NESTED_FIELD_LIMIT
            if "properties" in target and (depth >= OUTPUT_SCHEMA_DEPTH or wide):
                return {"type": "object"}
            return walk(target, depth)
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$defs":
                continue
            if key == "properties" and isinstance(value, dict):
                out[key] = {name: walk(sub, depth + 1) for name, sub in value.items()}
            else:
                out[key] = walk(value, depth)
        return out

    result: dict[str, Any] = walk(schema, 0)
    return result


def _without_descriptions(schema: Any, *, root: bool = True) -> Any:
    """Keep what validates an output: descriptions, defaults, formats and nested ``required`` lists go."""
    if isinstance(schema, list):
        return [_without_descriptions(item, root=False) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("description", "default", "format") and not isinstance(value, dict):
            continue
        if key == "required" and not root:
            continue
        if key in ("properties", "$defs") and isinstance(value, dict):
            out[key] = {name: _without_descriptions(sub, root=False) for name, sub in value.items()}
        else:
            out[key] = _without_descriptions(value, root=False)
    return out


def _nullable_simple_type(schema: dict[str, Any]) -> dict[str, Any] | None:
    """``anyOf: [{type: X, ...}, {type: null}]`` is ``{type: [X, null], ...}`` in fewer characters."""
    options = schema.get("anyOf")
    if not isinstance(options, list) or len(options) != 2 or {"type": "null"} not in options:
        return None
    other = next(o for o in options if o != {"type": "null"})
    # Keywords such as "properties" or "items" apply only to their own type, so null still passes.
    if not isinstance(other, dict) or not isinstance(other.get("type"), str):
        return None
    return {**other, "type": [other["type"], "null"]}
