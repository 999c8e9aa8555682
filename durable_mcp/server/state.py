"""Per-server state shared by every tool call: settings, the access policy, confirmation tokens,
and the lazily built back ends (local engine, AWS adapter), so start-up stays as fast as a bare server."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
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
            engine = LocalEngine(store=str(path))
            # Executions of an earlier server process resume in a worker rebuilt from what they stored.
            engine.service.invoker_factory = lambda ref, stubs: self.local_invoker(ref, engine.stubs_for(stubs))[1]
            self._engine = engine
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

    def local_invoker(self, handler: str, stubs: Mapping[str, Any]) -> tuple[str, Any]:
        """The function name of ``handler`` and its worker process: one per handler, reused across runs
        and callback resumes, replaced when the file or the step stubs change."""
        from durable_mcp.runtimes import parse_handler_ref, select_invoker
        from durable_mcp.runtimes.refs import function_name_for

        engine = self.engine()
        function = function_name_for(handler)
        try:
            modified = parse_handler_ref(handler).path.stat().st_mtime_ns
        except OSError:
            modified = 0  # the worker reports the missing file as the handler's error
        version = (modified, json.dumps(dict(stubs), sort_keys=True, default=str))
        current = self._workers.get(function)
        if current is not None and current[0] == version:
            return function, current[1]
        if current is not None:
            current[1].close()
        invoker = select_invoker(handler, service=engine.service, function_name=function, stub_steps=dict(stubs),
                                 isolated=True)
        self._workers[function] = (version, invoker)
        return function, invoker

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
