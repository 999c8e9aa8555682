"""Invokers that run handlers outside the engine's own code path: Node (TS/JS) and Python subprocesses.

``select_invoker`` picks one from a handler reference's file extension:

* ``.py``: the engine's in-process ``PythonInvoker`` (or, with ``isolated=True``, a
  :class:`~durable_mcp.runtimes.python_subprocess.PythonSubprocessInvoker`);
* ``.ts .mts .cts .js .mjs .cjs``: a :class:`~durable_mcp.runtimes.node.NodeInvoker`.

Out-of-process invokers reach the engine over HTTP: pass ``endpoint_url`` when an endpoint already
serves the service, otherwise they serve ``service`` on a private loopback port. Close them
(``close()``) when done; the in-process invoker needs no closing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from durable_mcp.engine.invoker import Invoker
from durable_mcp.runtimes.refs import HandlerRef, parse_handler_ref

__all__ = ["HandlerRef", "parse_handler_ref", "select_invoker"]


def select_invoker(
    handler_ref: str,
    *,
    service: Any,
    endpoint_url: str | None = None,
    function_name: str = "local-function",
    stub_steps: Mapping[str, Any] | None = None,
    isolated: bool = False,
    perturb_seed: int | None = None,
) -> Invoker:
    """An invoker for ``path/to/file.ext:export`` (export defaults to ``handler``)."""
    ref = parse_handler_ref(handler_ref)
    out_of_process: dict[str, Any] = {
        "endpoint_url": endpoint_url,
        "service": service,
        "perturb_seed": perturb_seed,
        "stub_steps": stub_steps,
        "log_sink": getattr(service, "append_logs", None),
    }
    if ref.runtime == "node":
        from durable_mcp.runtimes.node import NodeInvoker

        return NodeInvoker(ref, **out_of_process)
    if isolated or perturb_seed is not None:
        from durable_mcp.runtimes.python_subprocess import PythonSubprocessInvoker

        return PythonSubprocessInvoker(ref, **out_of_process)
    from durable_mcp.engine.python_invoker import PythonInvoker

    return PythonInvoker(
        str(ref),
        service,
        function_name=function_name,
        stub_steps=stub_steps,
        log_sink=getattr(service, "append_logs", None),
    )
