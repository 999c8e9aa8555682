"""The one place that decides what the two gates allow.

``--allow-write`` unlocks every tool that writes files, starts or changes executions, or changes AWS.
``--allow-sensitive-data-access`` unlocks payloads, results, error data and log lines. Tools ask this
module; they never read the flags themselves, so a new tool cannot invent its own rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from mcp.server.mcpserver.exceptions import ToolError

WRITE_FLAG = "--allow-write"
SENSITIVE_FLAG = "--allow-sensitive-data-access"
REDACTED = f"[redacted: restart durable-mcp with {SENSITIVE_FLAG} to see this value]"

T = TypeVar("T")


class Access(Enum):
    """What a tool does, which fixes both its annotations and its gate."""

    READ = "read"  # reads local files, the store or AWS; never changes anything
    RUN = "run"  # runs the user's code on this machine (dry-runs); steps may call real services
    WRITE = "write"  # writes files, changes executions or AWS resources


def _how_to_enable(flag: str) -> str:
    return (
        f"Add {flag} to the server's arguments and restart it. In .mcp.json: "
        f'"args": ["durable-mcp", "{flag}"] (keep any flags already there).'
    )


@dataclass(frozen=True)
class AccessPolicy:
    allow_write: bool
    allow_sensitive: bool

    def require_write(self, tool: str, what: str) -> None:
        """Refuse a write with a message that tells the agent exactly how to enable it."""
        if not self.allow_write:
            raise ToolError(
                f"{tool} would {what}, which needs write access; the server was started read-only. "
                + _how_to_enable(WRITE_FLAG)
            )

    def require_sensitive(self, tool: str, what: str) -> None:
        if not self.allow_sensitive:
            raise ToolError(
                f"{tool} returns {what}, which may hold sensitive data; the server hides it by default. "
                + _how_to_enable(SENSITIVE_FLAG)
            )

    def redact(self, value: T) -> T | str:
        """Hide a payload-like value unless sensitive data access is on; absent values stay absent."""
        if self.allow_sensitive or value is None:
            return value
        return REDACTED

    @property
    def sensitive_notice(self) -> str | None:
        return None if self.allow_sensitive else f"Payloads are hidden. {_how_to_enable(SENSITIVE_FLAG)}"
