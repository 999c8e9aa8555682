"""Replay-determinism and interruption checks for durable handlers, built on the local engine.

``check_determinism(handler_ref, input_json, ...) -> DeterminismReport`` is the whole API; the CLI
command ``check-determinism`` and the MCP tool ``check_replay_determinism`` wrap it.
"""

from durable_mcp.determinism.check import check_determinism
from durable_mcp.determinism.models import (
    DESCRIPTION,
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
