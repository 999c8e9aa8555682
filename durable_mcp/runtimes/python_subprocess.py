"""Run a Python durable handler in its own process, reaching the engine over the local endpoint.

Isolation for handlers that may crash the interpreter, leak threads or hang: the engine's
process survives, the worker is killed and replaced.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from durable_mcp.runtimes.process import ProcessInvoker


class PythonSubprocessInvoker(ProcessInvoker):
    """Python workers (this interpreter) loading ``ref`` once each; see :class:`ProcessInvoker`."""

    def worker_argv(self) -> Sequence[str]:
        return [sys.executable, "-m", "durable_mcp.runtimes.python_harness", str(self.ref.path), self.ref.export]

    def worker_env(self) -> dict[str, str]:
        return {"PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1"}
