"""The one rule engine: regions, context identity and helper summaries over the IR, then the rules."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from durable_mcp.validator.catalog import RULES
from durable_mcp.validator.fixes import logger_fix, receiver_fix, wait_fix, wrap_step_fix
from durable_mcp.validator.ir import (
    Call,
    Concurrent,
    Effect,
    Event,
    Func,
    FuncKind,
    Guard,
    Module,
    Op,
    PositionalLookup,
    Role,
    SetLoop,
    Source,
    Span,
    Write,
)
from durable_mcp.validator.models import Finding, Fix, RouteStep


class Region(StrEnum):
    MODULE = "module"
    REPLAY = "replay"
    STEP = "step"
    HELPER = "helper"


SOURCE_RULES = {
    Effect.CLOCK: "DR001",
    Effect.RANDOM: "DR002",
    Effect.IO: "DR003",
    Effect.LOG: "DR008",
    Effect.SLEEP: "DR013",
    Effect.ENV: "DR017",
}
EFFECT_NAMES = {
    Effect.CLOCK: "reads the clock",
    Effect.RANDOM: "generates a random value",
    Effect.IO: "performs I/O",
    Effect.LOG: "logs without the replay-aware logger",
    Effect.SLEEP: "sleeps instead of waiting durably",
    Effect.ENV: "reads the environment",
}
EFFECT_CONSEQUENCES = {
    Effect.CLOCK: "; the value differs on each replay, so wrap it in a step",
    Effect.RANDOM: "; the value differs on each replay, so generate it in a step",
    Effect.IO: "; it repeats on every replay and its result is not checkpointed",
    Effect.LOG: "; the line is printed again on every replay",
    Effect.SLEEP: "; the function stays billed and the pause restarts on replay",
    Effect.ENV: "; the value may change while the execution is suspended",
}
OP_EFFECT = "op"
CHILD_METHODS = frozenset({"run_in_child_context", "runInChildContext"})
# Factories: calling them builds a callable for an operation, it does not run the body.
FACTORY_KINDS = frozenset({FuncKind.STEP_DECORATED, FuncKind.CHILD_DECORATED})

Binding = tuple[int, str]


@dataclass(slots=True)
class Reach:
    """How a helper reaches an effect: what it is and the route to it."""

    what: str
    names: list[str]
    route: list[RouteStep]


class Analysis:
    def __init__(self, module: Module, path: str) -> None:
        self.module = module
        self.path = path
        self.funcs = module.funcs
        self.regions: dict[int, Region] = {}
        self.roots: dict[int, Role | None] = {}
        self.ctx_params: dict[int, set[str]] = {f.fid: set() for f in self.funcs}
        self.inline_children: dict[int, list[int]] = {f.fid: [] for f in self.funcs}
        for func in self.funcs:
            if func.inline and func.parent is not None:
                self.inline_children[func.parent].append(func.fid)
        self.summaries: dict[int, dict[str, Reach]] = {}
        self.findings: list[Finding] = []
        self.binders: dict[tuple[int, str], int | None] = {}
        # Propagation bookkeeping: the function whose events are being read, and whether a change reached
        # one already read this round (only then can another round change anything).
        self.reading = 0
        self.stale = False
        self.first_in_subtree = [func.fid for func in self.funcs]
        for func in reversed(self.funcs):
            if func.parent is not None and self.first_in_subtree[func.fid] < self.first_in_subtree[func.parent]:
                self.first_in_subtree[func.parent] = self.first_in_subtree[func.fid]

    # -- lexical resolution -----------------------------------------------------------------
    def binder(self, fid: int | None, name: str) -> int | None:
        if fid is None:
            return None
        key = (fid, name)
        try:
            return self.binders[key]
        except KeyError:
            pass
        found: int | None = fid
        while found is not None:
            func = self.funcs[found]
            if name in func.locals:
                break
            found = func.parent
        self.binders[key] = found
        return found

    def resolve_def(self, fid: int, name: str) -> Func | None:
        found = self.binder(fid, name)
        if found is None:
            return None
        target = self.funcs[found].defs.get(name)
        return self.funcs[target] if target is not None else None

    def ctx_of(self, fid: int, name: str, depth: int = 0) -> Binding | None:
        found = self.binder(fid, name)
        if found is None or depth > 8:
            return None
        func = self.funcs[found]
        if name in self.ctx_params[found]:
            return (found, name)
        alias = func.aliases.get(name)
        if alias is not None and alias != name:
            return self.ctx_of(found, alias, depth + 1)
        return None

    # -- regions ----------------------------------------------------------------------------
    def region_of(self, fid: int) -> Region:
        seen = fid
        while True:
            region = self.regions.get(seen)
            if region is not None:
                return region
            func = self.funcs[seen]
            if func.kind is FuncKind.MODULE:
                return Region.MODULE
            if not func.inline or func.parent is None:
                return Region.HELPER
            seen = func.parent

    def region_root(self, fid: int) -> int:
        while fid not in self.regions and self.funcs[fid].inline and self.funcs[fid].parent is not None:
            parent = self.funcs[fid].parent
            assert parent is not None
            fid = parent
        return fid

    def assign_region(self, fid: int, region: Region, ctx_param: str | None) -> None:
        changed = False
        if fid not in self.regions:
            self.regions[fid] = region
            changed = True
        if ctx_param is not None and ctx_param not in self.ctx_params[fid]:
            self.ctx_params[fid].add(ctx_param)
            changed = True
        if changed:
            self.note_change(fid)

    def note_change(self, fid: int) -> None:
        """A function's region or contexts changed: its own events and its nested functions' read them."""
        if self.first_in_subtree[fid] <= self.reading:
            self.stale = True

    def compute_regions(self) -> None:
        for func in self.funcs:
            if func.kind is FuncKind.HANDLER:
                ctx = func.params[1] if len(func.params) > 1 else None
                self.assign_region(func.fid, Region.REPLAY, ctx)
                self.roots[func.fid] = None
            elif func.kind is FuncKind.STEP_DECORATED:
                self.assign_region(func.fid, Region.STEP, None)
                self.roots[func.fid] = Role.STEP
            elif func.kind is FuncKind.CHILD_DECORATED:
                self.assign_region(func.fid, Region.REPLAY, func.params[0] if func.params else None)
                self.roots[func.fid] = Role.CHILD
            for name in func.typed_ctx_params:
                self.assign_region(func.fid, Region.REPLAY, name)
        # Rounds until nothing changes; a round only has to be repeated when a change reached a function
        # whose events were already read in it (later functions see the change in the same round).
        self.stale = True
        rounds = 0
        while self.stale and rounds < 20:
            self.stale = False
            rounds += 1
            for func in self.funcs:
                self.reading = func.fid
                for event in func.events:
                    if isinstance(event, Op):
                        self.propagate_op(func, event)
                    elif isinstance(event, Call):
                        self.propagate_call(func, event)

    def callback_target(self, fid: int, callback_func: int | None, ref: str | None) -> Func | None:
        if callback_func is not None:
            return self.funcs[callback_func]
        return self.resolve_def(fid, ref) if ref is not None else None

    def propagate_op(self, func: Func, op: Op) -> None:
        if self.ctx_of(func.fid, op.receiver) is None:
            return
        for callback in op.callbacks:
            target = self.callback_target(func.fid, callback.func, callback.ref)
            if target is None or target.kind in FACTORY_KINDS:
                continue
            if callback.role is Role.STEP:
                self.assign_region(target.fid, Region.STEP, None)
            else:
                self.assign_region(target.fid, Region.REPLAY, target.params[0] if target.params else None)
            self.roots.setdefault(target.fid, callback.role)

    def propagate_call(self, func: Func, call: Call) -> None:
        if not any(call.args):
            return
        callee = self.resolve_def(func.fid, call.callee)
        if callee is None:
            return
        offset = 1 if callee.kind in FACTORY_KINDS else 0
        for index, arg in enumerate(call.args):
            if arg is None or self.ctx_of(func.fid, arg) is None:
                continue
            position = index + offset
            if position >= len(callee.params):
                continue
            param = callee.params[position]
            if callee.kind in FACTORY_KINDS or self.region_of(func.fid) is not Region.REPLAY:
                self.add_ctx_param(callee.fid, param)
            else:
                self.assign_region(callee.fid, Region.REPLAY, param)

    def add_ctx_param(self, fid: int, param: str) -> None:
        if param not in self.ctx_params[fid]:
            self.ctx_params[fid].add(param)
            self.note_change(fid)

    # -- helper summaries ------------------------------------------------------------------------
    def region_events(self, fid: int) -> list[tuple[int, Event]]:
        """Events of a function and of the inline functions that run in its place."""
        out = [(fid, event) for event in self.funcs[fid].events]
        for child in self.inline_children[fid]:
            if child not in self.regions:
                out.extend(self.region_events(child))
        return out

    def summary(self, fid: int, stack: frozenset[int] = frozenset()) -> dict[str, Reach]:
        cached = self.summaries.get(fid)
        if cached is not None:
            return cached
        found: dict[str, Reach] = {}
        for owner, event in self.region_events(fid):
            if isinstance(event, Source) and not event.in_op_name:
                key = str(event.effect)
                if key not in found:
                    step = RouteStep(function=self.funcs[owner].name, line=event.span.line, column=event.span.col)
                    found[key] = Reach(event.what, [], [step])
            elif isinstance(event, Op) and OP_EFFECT not in found and self.is_op(owner, event):
                step = RouteStep(function=self.funcs[owner].name, line=event.span.line, column=event.span.col)
                found[OP_EFFECT] = Reach(f"{event.receiver}.{event.method}()", [], [step])
            elif isinstance(event, Call):
                callee = self.resolve_def(owner, event.callee)
                if callee is None or callee.fid in stack or callee.fid == fid or callee.kind in FACTORY_KINDS:
                    continue
                if self.regions.get(callee.fid) is Region.REPLAY:
                    continue
                for key, reach in self.summary(callee.fid, stack | {fid}).items():
                    if key not in found:
                        step = RouteStep(function=self.funcs[owner].name, line=event.span.line,
                                         column=event.span.col)
                        found[key] = Reach(reach.what, [callee.name, *reach.names], [step, *reach.route])
        if not stack:  # partial results inside a cycle are not final
            self.summaries[fid] = found
        return found

    def is_op(self, fid: int, op: Op) -> bool:
        return self.ctx_of(fid, op.receiver) is not None

    def count_ops(self, fid: int) -> int:
        total = 0
        for owner, event in self.region_events(fid):
            if isinstance(event, Op) and self.is_op(owner, event):
                total += 1
            elif isinstance(event, Call):
                callee = self.resolve_def(owner, event.callee)
                if callee is not None and callee.fid != fid and OP_EFFECT in self.summary(callee.fid):
                    total += 1
        return total

    def reaches_op(self, fid: int, events: list[Event]) -> bool:
        for event in events:
            if isinstance(event, Op) and self.is_op(fid, event):
                return True
            if isinstance(event, Call):
                callee = self.resolve_def(fid, event.callee)
                if callee is None or callee.fid == fid:
                    continue
                if self.regions.get(callee.fid) is Region.REPLAY or OP_EFFECT in self.summary(callee.fid):
                    return True
        return False

    # -- reporting -------------------------------------------------------------------------------
    def report(self, rule: str, span: Span, message: str, fix: Fix | None = None,
               route: list[RouteStep] | None = None) -> None:
        self.findings.append(Finding(
            rule=rule, severity=RULES[rule].severity, path=self.path, line=span.line, column=span.col,
            end_line=span.end_line, end_column=span.end_col, message=message, fix=fix, route=route or [],
        ))

    def ctx_name(self, fid: int) -> str:
        return min(self.ctx_params[self.region_root(fid)], default="context")

    def run(self) -> list[Finding]:
        self.compute_regions()
        for func in self.funcs:
            region = self.region_of(func.fid)
            if region is Region.REPLAY:
                self.check_replay(func)
            elif region is Region.STEP:
                self.check_step(func)
            if self.module.is_test:
                for event in func.events:
                    if isinstance(event, PositionalLookup):
                        self.report("DR019", event.span,
                                    f"The test fetches an operation by position ({event.what}); "
                                    "adding or reordering operations silently changes what it checks")
        return self.findings

    def check_replay(self, func: Func) -> None:
        fid = func.fid
        for event in func.events:
            if isinstance(event, Source):
                if not event.in_op_name:
                    self.report_source(func, event)
            elif isinstance(event, Call):
                self.report_call(func, event)
            elif isinstance(event, Op):
                receiver = self.ctx_of(fid, event.receiver)
                if receiver is not None:
                    self.check_replay_op(func, event, receiver)
            elif isinstance(event, Write):
                self.check_replay_write(func, event)
            elif isinstance(event, Guard):
                if self.reaches_op(fid, func.events[event.body[0]:event.body[1]]):
                    self.report("DR012", event.span,
                                "This handler catches BaseException around a durable operation and does not "
                                "re-raise: it swallows the SDK's SuspendExecution, so waits and callbacks never "
                                "suspend", event.fix)
            elif isinstance(event, SetLoop):
                if self.reaches_op(fid, func.events[event.body[0]:event.body[1]]):
                    self.report("DR014", event.span,
                                "Iterating over a set drives durable operations: set order of strings changes "
                                "between processes, so operations replay in a different order", event.fix)
            elif isinstance(event, Concurrent):
                self.check_concurrent(func, event)

    def report_source(self, func: Func, event: Source) -> None:
        rule = SOURCE_RULES[event.effect]
        ctx = self.ctx_name(func.fid)
        fix = self.source_fix(event, ctx)
        message = (f"{event.what} {EFFECT_NAMES[event.effect]} in code that re-runs on every replay"
                   f"{EFFECT_CONSEQUENCES[event.effect]}")
        self.report(rule, event.span, message, fix)

    def source_fix(self, event: Source, ctx: str) -> Fix | None:
        language = self.module.language
        kind = event.fix_kind
        if kind is None:
            return None
        if kind == "wrap-step":
            return wrap_step_fix(language, event.span, event.text, ctx, event.effect)
        if kind.startswith("logger:") and event.callee_span is not None:
            return logger_fix(language, event.callee_span, ctx, kind.split(":", 1)[1])
        if kind.startswith("wait"):
            return wait_fix(language, event.span, ctx, int(kind.split(":", 1)[1]), kind.startswith("wait-await"))
        return None

    def report_call(self, func: Func, call: Call) -> None:
        callee = self.resolve_def(func.fid, call.callee)
        if callee is None or callee.kind in FACTORY_KINDS or callee.fid == func.fid:
            return
        if self.regions.get(callee.fid) is Region.REPLAY:
            return
        for key, reach in self.summary(callee.fid).items():
            if key == OP_EFFECT:
                continue
            effect = Effect(key)
            chain = " → ".join(f"{name}()" for name in [callee.name, *reach.names])
            message = (f"{chain} {EFFECT_NAMES[effect]} ({reach.what}) in code that re-runs on every replay"
                       f"{EFFECT_CONSEQUENCES[effect]}")
            route = [RouteStep(function=func.name, line=call.span.line, column=call.span.col), *reach.route]
            self.report(SOURCE_RULES[effect], call.span, message, route=route)

    def check_replay_op(self, func: Func, op: Op, receiver: Binding) -> None:
        fid = func.fid
        root = self.region_root(fid)
        own = self.ctx_params[root]
        if receiver[0] != root or receiver[1] not in own:
            own_name = min(own) if own else None
            fix = receiver_fix(op.receiver_span, own_name) if own_name else None
            where = f"its own context `{own_name}`" if own_name else "a context parameter of its own"
            self.report("DR005", op.span,
                        f"`{op.receiver}.{op.method}` uses an outer context inside a callback that has {where}; "
                        "operations must be issued on the innermost context or replay order breaks", fix)
        if not op.named:
            self.report("DR009", op.span,
                        f"`{op.receiver}.{op.method}` has no name; unnamed operations are hard to inspect and test, "
                        "and the name is part of what replay checks", op.name_fix)
        if op.name_taint is not None:
            self.report("DR010", op.span,
                        f"The name of `{op.receiver}.{op.method}` is built from {op.name_taint}, which differs on "
                        "replay; the SDK fails replay on a name mismatch")
        if op.floating:
            self.report("DR011", op.span,
                        f"The result of `{op.receiver}.{op.method}` is never awaited: failures are swallowed and a "
                        "wait does not pause the execution", op.await_fix)
        if op.method in CHILD_METHODS:
            for callback in op.callbacks:
                target = self.callback_target(fid, callback.func, callback.ref)
                if target is not None and not self.reaches_op(target.fid, [e for _, e in
                                                                            self.region_events(target.fid)]):
                    self.report("DR018", op.span,
                                "This child context performs no durable operation: its work is not checkpointed "
                                "and re-runs on every replay; use a step instead")

    def check_replay_write(self, func: Func, write: Write) -> None:
        binder = self.write_binder(func, write)
        if binder is None:
            return
        if self.funcs[binder].kind is FuncKind.MODULE:
            if not write.lazy_init:
                self.report("DR016", write.span,
                            f"Module-level `{write.name}` is changed from replayed code; warm containers keep it "
                            "between invocations, so replays see different state")
            return
        root = self.region_root(func.fid)
        if not write.mutate and self.roots.get(root) is Role.CHILD and not self.within(binder, root):
            self.report("DR006", write.span,
                        f"`{write.name}` is declared outside this child context and reassigned inside it; "
                        "the assignment is lost when the child's result is replayed from the checkpoint")

    def write_binder(self, func: Func, write: Write) -> int | None:
        if write.declared == "global":
            return 0
        start = func.parent if write.declared == "nonlocal" else func.fid
        return self.binder(start, write.name)

    def within(self, fid: int, root: int) -> bool:
        current: int | None = fid
        while current is not None:
            if current == root:
                return True
            current = self.funcs[current].parent
        return False

    def check_step(self, func: Func) -> None:
        fid = func.fid
        root = self.region_root(fid)
        for event in func.events:
            if isinstance(event, Op) and self.is_op(fid, event):
                self.report("DR004", event.span,
                            f"`{event.receiver}.{event.method}` is a durable operation inside a step; steps cannot "
                            "contain operations. Use a child context and call operations on it")
            elif isinstance(event, Write):
                binder = self.write_binder(func, event)
                if binder is None or self.within(binder, root):
                    continue
                if event.mutate:
                    self.report("DR007", event.span,
                                f"`{event.name}` is captured from outside the step and mutated inside it; on replay "
                                "the step body is skipped and the change is missing. Return the data instead")
                else:
                    self.report("DR006", event.span,
                                f"`{event.name}` is captured from outside the step and reassigned inside it; on "
                                "replay the step body is skipped and the variable keeps its old value")

    def check_concurrent(self, func: Func, event: Concurrent) -> None:
        direct = [r for r in event.direct_ops if self.ctx_of(func.fid, r) is not None]
        if event.kind in ("race", "any") and direct:
            self.report("DR015", event.span,
                        f"Native Promise.{event.kind} over durable operations: the winner is not checkpointed, so "
                        "replay can pick a different one. Use context.promise." + event.kind)
            return
        shared: dict[Binding, int] = {}
        for call in event.calls:
            callee = self.resolve_def(func.fid, call.callee)
            if callee is None or self.count_ops(callee.fid) < 2:
                continue
            for arg in call.args:
                binding = self.ctx_of(func.fid, arg) if arg else None
                if binding is not None:
                    shared[binding] = shared.get(binding, 0) + 1
        if any(count >= 2 for count in shared.values()):
            self.report("DR015", event.span,
                        f"Promise.{event.kind} runs several branches on the same DurableContext; their operations "
                        "interleave by timing, so replay order differs. Use context.map/parallel or one "
                        "runInChildContext per branch")


def analyse(module: Module, path: str) -> list[Finding]:
    return Analysis(module, path).run()
