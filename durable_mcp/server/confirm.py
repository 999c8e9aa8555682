"""Confirmation before any write, shared by every write tool.

Clients that support form elicitation are asked directly (on both the 2025-11-25 handshake and the
2026-07-28 protocol, through the SDK's resolver mechanism). Clients without it get a two-step flow: the
first call returns a preview and a one-time token bound to the exact arguments; only a second call
carrying that token goes ahead. Nothing is written before one of the two says yes.

Each write tool declares a resolver parameter::

    approval: Annotated[ElicitationResult[Any], Resolve(ask_for_my_tool)]

where ``ask_for_my_tool`` is a small function taking ``ctx`` and the tool arguments it needs, and
returning :func:`ask`'s result. The tool body then calls :func:`decide`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

from mcp.server.elicitation import AcceptedElicitation, ElicitationResult
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resolve import Elicit
from pydantic import BaseModel, Field

from durable_mcp.server.registry import translate_error

T = TypeVar("T")
TOKEN_TTL_SECONDS = 600.0


class Confirm(BaseModel):
    confirm: bool = Field(description="true to go ahead, false to cancel")


class Verdict(Enum):
    APPROVED = "approved"
    DECLINED = "declined"
    PREVIEW = "preview"  # no elicitation: return a preview and a token
    READ_ONLY = "read_only"  # the server has no --allow-write


@dataclass(frozen=True)
class Pending:
    """What a resolver hands the tool body when it did not elicit."""

    verdict: Verdict
    token_error: str | None = None


@dataclass
class TokenBroker:
    """One-time confirmation tokens, each bound to one tool and one exact set of arguments."""

    _tokens: dict[str, tuple[str, float]] = field(default_factory=dict)

    @staticmethod
    def fingerprint(tool: str, arguments: dict[str, Any]) -> str:
        canonical = json.dumps({"tool": tool, "args": arguments}, sort_keys=True, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def issue(self, tool: str, arguments: dict[str, Any]) -> str:
        self._expire()
        token = secrets.token_urlsafe(18)
        self._tokens[token] = (self.fingerprint(tool, arguments), time.monotonic() + TOKEN_TTL_SECONDS)
        return token

    def redeem(self, token: str, tool: str, arguments: dict[str, Any]) -> str | None:
        """Consume ``token``; return None if valid, else why it was refused."""
        self._expire()
        entry = self._tokens.pop(token, None)
        if entry is None:
            return "the confirmation token is unknown, expired or already used"
        if entry[0] != self.fingerprint(tool, arguments):
            return "the confirmation token was issued for different arguments"
        return None

    def _expire(self) -> None:
        now = time.monotonic()
        for token in [t for t, (_, deadline) in self._tokens.items() if deadline < now]:
            del self._tokens[token]


def supports_form_elicitation(ctx: Context[Any, Any]) -> bool:
    caps = ctx.client_capabilities
    elicitation = caps.elicitation if caps is not None else None
    return elicitation is not None and (elicitation.form is not None or elicitation.url is None)


def ask(
    ctx: Context[Any, Any],
    *,
    allow_write: bool,
    broker: TokenBroker,
    tool: str,
    arguments: dict[str, Any],
    summary: str,
    confirmation_token: str | None,
) -> Elicit[Confirm] | Pending:
    """The resolver body: gate first, then a token check or an elicitation."""
    if not allow_write:
        return Pending(Verdict.READ_ONLY)
    if confirmation_token:
        error = broker.redeem(confirmation_token, tool, arguments)
        return Pending(Verdict.DECLINED, token_error=error) if error else Pending(Verdict.APPROVED)
    if supports_form_elicitation(ctx):
        return Elicit(f"{summary}\n\nGo ahead?", Confirm)
    return Pending(Verdict.PREVIEW)


def decide(approval: ElicitationResult[Any]) -> Verdict:
    """Turn the resolver outcome into one verdict for the tool body."""
    if not isinstance(approval, AcceptedElicitation):
        return Verdict.DECLINED
    data = approval.data
    if isinstance(data, Pending):
        if data.token_error:
            raise ToolError(
                f"Not confirmed: {data.token_error}. Call the tool again without confirmation_token "
                "to get a fresh preview and token."
            )
        return data.verdict
    if isinstance(data, Confirm):
        return Verdict.APPROVED if data.confirm else Verdict.DECLINED
    if isinstance(data, dict):
        return Verdict.APPROVED if data.get("confirm") is True else Verdict.DECLINED
    return Verdict.DECLINED


def resolver(tool: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Give a confirmation resolver the tools' error translation: resolvers run before the tool body,
    outside its wrapper, so whatever they raise while preparing a preview is translated here."""

    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                raise translate_error(tool, exc) from exc

        return wrapper

    return decorate


TOKEN_INSTRUCTIONS = (
    "Nothing was written. Show this preview to the user; if they agree, call the same tool again "
    "with the same arguments plus confirmation_token={token!r} (valid once, for 10 minutes)."
)
