"""A small language-neutral IR: functions, the events inside them, and the bindings they own.

Front ends (Python ``ast``, tree-sitter for TS/JS) do the syntax-specific work: they recognise
nondeterministic sources through the file's import map, operation calls, writes and the fixes that
need source text. Everything that depends on *where* code runs (regions, context identity,
helper summaries) is decided once, by :mod:`durable_mcp.validator.engine`, on this IR.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from durable_mcp.validator.models import Fix


@dataclass(slots=True)
class Span:
    """1-based line and column of the start, and the exclusive end."""

    line: int
    col: int
    end_line: int
    end_col: int


class Effect(StrEnum):
    CLOCK = "clock"
    RANDOM = "random"
    IO = "io"
    SLEEP = "sleep"
    LOG = "log"
    ENV = "env"


class Role(StrEnum):
    """How an operation runs a callback it receives."""

    STEP = "step"  # step, wait_for_callback submitter, wait_for_condition check: runs once, checkpointed
    CHILD = "child"  # run_in_child_context: replays with its own context
    ITEM = "item"  # map item function / parallel branch: replays with its own context


class FuncKind(StrEnum):
    MODULE = "module"
    HANDLER = "handler"  # durable_execution / withDurableExecution
    STEP_DECORATED = "step_decorated"  # @durable_step, @durable_wait_for_callback
    CHILD_DECORATED = "child_decorated"  # @durable_with_child_context, @durable_parallel_branch
    PLAIN = "plain"


@dataclass(slots=True)
class Source:
    """A call (or read) of a nondeterministic or side-effecting API."""

    effect: Effect
    what: str  # human name, e.g. "time.time()"
    span: Span
    in_op_name: bool = False  # part of an operation's name argument: reported as DR010 instead
    fix_kind: str | None = None  # "wrap-step", "logger:<level>", "wait:<seconds>", "wait-await:<seconds>"
    text: str = ""  # source text of the expression, for fixes
    callee_span: Span | None = None


@dataclass(slots=True)
class Callback:
    role: Role
    func: int | None = None  # inline function id
    ref: str | None = None  # name of a same-file function passed by reference


@dataclass(slots=True)
class Op:
    """A call ``receiver.method(...)`` shaped like a durable operation."""

    method: str
    receiver: str
    span: Span
    receiver_span: Span
    named: bool
    callbacks: list[Callback] = field(default_factory=list)
    name_taint: str | None = None  # description of the nondeterministic value in the name
    name_fix: Fix | None = None
    floating: bool = False
    await_fix: Fix | None = None


@dataclass(slots=True)
class Call:
    """A call of a plain name that may be a same-file function."""

    callee: str
    span: Span
    args: list[str | None]  # identifier arguments by position (None for other expressions)


@dataclass(slots=True)
class Write:
    name: str
    mutate: bool  # False: the binding is reassigned; True: the object it holds is changed
    span: Span
    declared: str | None = None  # "nonlocal"/"global" when the language needed a declaration
    lazy_init: bool = False


@dataclass(slots=True)
class Guard:
    """A Python ``try`` whose handler catches BaseException (bare or explicit) without re-raising."""

    span: Span
    body: tuple[int, int]  # event index range of the try body in the same function
    fix: Fix | None


@dataclass(slots=True)
class SetLoop:
    span: Span
    body: tuple[int, int]
    fix: Fix | None


@dataclass(slots=True)
class Concurrent:
    """``Promise.<kind>(...)``: either native race/any directly over operations, or shared-context calls."""

    span: Span
    kind: str
    direct_ops: list[str]  # receivers of operation calls given directly to the combinator
    calls: list[Call]


@dataclass(slots=True)
class PositionalLookup:
    """A test fetching an operation by position."""

    span: Span
    what: str


Event = Source | Op | Call | Write | Guard | SetLoop | Concurrent | PositionalLookup


@dataclass(slots=True)
class Func:
    fid: int
    name: str
    parent: int | None
    kind: FuncKind
    span: Span
    params: list[str] = field(default_factory=list)
    typed_ctx_params: list[str] = field(default_factory=list)
    inline: bool = False  # runs in place where it is written (arr.map(x => ...), sorted(key=...))
    is_async: bool = False
    locals: set[str] = field(default_factory=set)
    aliases: dict[str, str] = field(default_factory=dict)  # name -> name it was assigned from
    defs: dict[str, int] = field(default_factory=dict)  # function names defined directly here
    events: list[Event] = field(default_factory=list)


@dataclass(slots=True)
class Suppression:
    line: int
    col: int
    rules: tuple[str, ...]
    applies_to: int  # the line whose findings it silences


@dataclass(slots=True)
class Module:
    language: str
    funcs: list[Func]
    is_test: bool = False
    suppressions: list[Suppression] = field(default_factory=list)
