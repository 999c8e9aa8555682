"""Replay-determinism and interruption checks for durable handlers, built on the local engine.

``check_determinism(handler_ref, input_json, ...) -> DeterminismReport`` is the whole API; the CLI
command ``check-determinism`` and the MCP tool ``check_replay_determinism`` wrap it.
"""

from typing import TYPE_CHECKING

from durable_mcp._lazy import lazy_exports

if TYPE_CHECKING:
    from durable_mcp.determinism.check import check_determinism
    from durable_mcp.determinism.method import DESCRIPTION
    from durable_mcp.determinism.models import (
        DeterminismReport,
        Divergence,
        InterruptionFinding,
        InterruptionReport,
        OperationSignature,
        SourceRead,
    )

__all__ = [
    "DESCRIPTION",
    "DeterminismReport",
    "Divergence",
    "InterruptionFinding",
    "InterruptionReport",
    "OperationSignature",
    "SourceRead",
    "check_determinism",
]

__getattr__ = lazy_exports(__name__, {
    "check_determinism": "durable_mcp.determinism.check",
    "DESCRIPTION": "durable_mcp.determinism.method",
    **{name: "durable_mcp.determinism.models" for name in __all__ if name not in ("check_determinism", "DESCRIPTION")},
})
