"""Per-server state shared by every tool call: settings, the access policy, confirmation tokens,
and the lazily built back ends (local engine, AWS adapter), so start-up stays as fast as a bare server."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver import Context

from durable_mcp.server.confirm import TokenBroker
from durable_mcp.server.policy import AccessPolicy
from durable_mcp.settings import Settings

if TYPE_CHECKING:
    from durable_mcp.engine.local import LocalEngine


@dataclass
class AppState:
    settings: Settings
    policy: AccessPolicy
    broker: TokenBroker = field(default_factory=TokenBroker)
    _engine: LocalEngine | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> AppState:
        policy = AccessPolicy(
            allow_write=settings.allow_write, allow_sensitive=settings.allow_sensitive_data_access
        )
        return cls(settings=settings, policy=policy)

    def engine(self) -> LocalEngine:
        """The local engine over the server's SQLite store, opened on first use."""
        if self._engine is None:
            from durable_mcp.engine.local import LocalEngine

            path = self.settings.store_path
            path.parent.mkdir(parents=True, exist_ok=True)
            self._engine = LocalEngine(store=str(path))
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            close = getattr(self._engine, "close", None)
            if callable(close):
                close()
            self._engine = None


def state_of(ctx: Context[Any, Any]) -> AppState:
    state = ctx.request_context.lifespan_context
    if not isinstance(state, AppState):  # pragma: no cover - wiring error, not user input
        raise TypeError("durable-mcp tools need the AppState lifespan")
    return state
