"""Per-server state shared by every tool call: settings, the access policy, confirmation tokens,
and the lazily built back ends (local engine, AWS adapter), so start-up stays as fast as a bare server."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from mcp.server.mcpserver import Context

from durable_mcp.server.confirm import TokenBroker
from durable_mcp.server.policy import AccessPolicy
from durable_mcp.settings import Settings

if TYPE_CHECKING:
    from durable_mcp.aws.session import AwsClients
    from durable_mcp.engine.local import LocalEngine


@dataclass
class AppState:
    settings: Settings
    policy: AccessPolicy
    broker: TokenBroker = field(default_factory=TokenBroker)
    # Tools run in worker threads; one run or callback at a time drives the local engine (reads need no
    # lock: the engine's service serialises its own state).
    engine_lock: threading.RLock = field(default_factory=threading.RLock)
    _engine: LocalEngine | None = None
    _aws: AwsClients | None = None
    _workers: dict[str, tuple[tuple[Any, ...], Any]] = field(default_factory=dict)
    # Deployment change sets awaiting confirmation, by request fingerprint.
    plans: dict[str, Any] = field(default_factory=dict)

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

    def aws(self) -> AwsClients:
        """AWS clients (created on first use); local execution ARNs are routed to the local engine."""
        if self._aws is None:
            from durable_mcp.aws.session import AwsClients, AwsSettings, LambdaLike

            engine = self.engine()
            settings = AwsSettings(
                profile=self.settings.profile, region=self.settings.region, endpoint_url=self.settings.endpoint_url
            )
            # The engine's service mirrors the boto3 Lambda client method for method.
            self._aws = AwsClients(settings, local=cast(LambdaLike, engine.service), local_logs=engine.logs)
        return self._aws

    def worker_invoker(self, function: str, version: tuple[Any, ...], create: Callable[[], Any]) -> Any:
        """One long-lived worker process per handler, reused across runs and callback resumes, and
        replaced when ``version`` (the file's timestamp, the step stubs) changes."""
        current = self._workers.get(function)
        if current is not None and current[0] == version:
            return current[1]
        if current is not None:
            current[1].close()
        invoker = create()
        self._workers[function] = (version, invoker)
        return invoker

    def close(self) -> None:
        for _, invoker in self._workers.values():
            invoker.close()
        self._workers.clear()
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
