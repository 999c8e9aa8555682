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
from typing import Any

import structlog
from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations

from durable_mcp.errors import UserError
from durable_mcp.server.policy import Access

TOOL_ACCESS: dict[str, Access] = {}
log = structlog.get_logger(__name__)


def _translate(name: str, exc: Exception) -> ToolError:
    if isinstance(exc, ToolError):
        return exc
    if isinstance(exc, UserError):
        return ToolError(str(exc))
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
                raise _translate(name, exc) from exc

        return async_wrapper

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise _translate(name, exc) from exc

    return wrapper


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
        title=title,
        read_only_hint=access is Access.READ,
        destructive_hint=destructive if access is not Access.READ else False,
        idempotent_hint=idempotent,
        open_world_hint=open_world,
    )
    mcp.add_tool(_with_errors(name, fn), name=name, title=title, annotations=annotations, structured_output=True)
    TOOL_ACCESS[name] = access
