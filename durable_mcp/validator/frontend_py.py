"""Lower a Python module (stdlib ``ast``; ``symtable`` for declared scopes) into the validator IR."""

from __future__ import annotations

import ast
import symtable
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from durable_mcp.validator import sources_py as S
from durable_mcp.validator.ir import (
    Call,
    Callback,
    Effect,
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
from durable_mcp.validator.models import Edit, Fix

# method -> (position of the name argument, callback (position, role) or None)
OPERATIONS: dict[str, tuple[int, tuple[int, Role] | None]] = {
    "step": (1, (0, Role.STEP)),
    "wait": (1, None),
    "create_callback": (0, None),
    "wait_for_callback": (1, (0, Role.STEP)),
    "wait_for_condition": (2, (0, Role.STEP)),
    "map": (2, (1, Role.ITEM)),
    "parallel": (1, (0, Role.ITEM)),
    "run_in_child_context": (1, (0, Role.CHILD)),
    "invoke": (2, None),
}
# Operations whose callable argument names the operation when it comes from a decorated factory.
FACTORY_NAMED = frozenset({"step", "wait_for_callback", "map", "run_in_child_context"})
DECORATOR_KINDS = {
    "durable_execution": FuncKind.HANDLER,
    "durable_step": FuncKind.STEP_DECORATED,
    "durable_wait_for_callback": FuncKind.STEP_DECORATED,
    "durable_with_child_context": FuncKind.CHILD_DECORATED,
    "durable_parallel_branch": FuncKind.CHILD_DECORATED,
}
TESTING_MODULES = ("aws_durable_execution_sdk_python_testing",)


def span_of(node: ast.expr | ast.stmt | ast.excepthandler | ast.arg) -> Span:
    end_line = node.end_lineno if node.end_lineno is not None else node.lineno
    end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
    return Span(node.lineno, node.col_offset + 1, end_line, end_col + 1)


def dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _is_setlike_node(node: ast.expr) -> bool:
    if isinstance(node, ast.Set | ast.SetComp):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("set", "frozenset"):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("union", "intersection", "difference", "symmetric_difference")
        and _is_setlike_node(node.func.value)
    )


class _Scope:
    __slots__ = ("aliases", "client_vars", "declared", "func", "logger_vars", "set_vars", "tainted")

    def __init__(self, func: Func) -> None:
        self.func = func
        self.declared: dict[str, str] = {}
        self.aliases: dict[str, str] = {}  # local name -> qualified callable (clock = time.time)
        self.tainted: dict[str, str] = {}
        self.set_vars: set[str] = set()
        self.client_vars: set[str] = set()
        self.logger_vars: set[str] = set()


# Leaves and markers that never hold anything the rules need.
_INERT = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop, ast.Constant, ast.Pass,
          ast.Break, ast.Continue, ast.alias)


class PythonLowering(ast.NodeVisitor):
    _table: ClassVar[dict[type, Callable[[PythonLowering, Any], None]]] = {}

    def visit(self, node: ast.AST) -> None:
        # A type-keyed table instead of NodeVisitor's per-node string building and getattr.
        method = self._table.get(node.__class__)
        if method is not None:
            method(self, node)
            return
        if not isinstance(node, _INERT):
            self.generic_visit(node)

    def generic_visit(self, node: ast.AST) -> None:
        for field in node._fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)
    def __init__(self, source: str) -> None:
        self.source = source
        self.lines = source.splitlines()
        self.imports: dict[str, str] = {}
        self.funcs: list[Func] = []
        self.scopes: list[_Scope] = []
        self.is_test = False
        self.in_op_name = False
        self.op_name_refs: list[str] = []
        self.lazy_names: list[set[str]] = []
        self.uses_declarations = False
        # boto3 clients and loggers are usually created at module scope and used in functions.
        self.module_clients: set[str] = set()
        self.module_loggers: set[str] = set()

    # -- scopes -------------------------------------------------------------------------------
    @property
    def scope(self) -> _Scope:
        return self.scopes[-1]

    def new_func(self, name: str, kind: FuncKind, node: ast.AST, span: Span) -> Func:
        parent = self.scope.func.fid if self.scopes else None
        func = Func(fid=len(self.funcs), name=name, parent=parent, kind=kind, span=span)
        self.funcs.append(func)
        return func

    @contextmanager
    def entered(self, func: Func) -> Iterator[None]:
        self.scopes.append(_Scope(func))
        saved_lazy, self.lazy_names = self.lazy_names, []
        try:
            yield
        finally:
            self.scopes.pop()
            self.lazy_names = saved_lazy

    def lower(self, tree: ast.Module) -> list[Func]:
        module = self.new_func("<module>", FuncKind.MODULE, tree, Span(1, 1, 1, 1))
        with self.entered(module):
            for stmt in tree.body:
                self.visit(stmt)
        return self.funcs

    def segment(self, node: ast.expr) -> str:
        """Source text of ``node`` (ast offsets are UTF-8 byte columns)."""
        end_line = node.end_lineno or node.lineno
        end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        lines = [line.encode() for line in self.lines[node.lineno - 1:end_line]]
        if not lines:
            return ""
        if len(lines) == 1:
            return lines[0][node.col_offset:end_col].decode(errors="replace")
        lines[0] = lines[0][node.col_offset:]
        lines[-1] = lines[-1][:end_col]
        return b"\n".join(lines).decode(errors="replace")

    # -- name resolution ---------------------------------------------------------------------
    def qualify(self, node: ast.expr) -> str | None:
        """Resolve ``node`` through local function aliases and the import map."""
        name = dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        for scope in reversed(self.scopes):
            if head in scope.aliases:
                base = scope.aliases[head]
                return f"{base}.{rest}" if rest else base
            if head in scope.func.locals and head not in self.imports:
                return None
        imported = self.imports.get(head)
        if imported is None:
            return name if head in ("print", "open") else None
        return f"{imported}.{rest}" if rest else imported

    def is_var(self, name: str, attr: str) -> bool:
        for scope in reversed(self.scopes):
            if name in getattr(scope, attr):
                return True
        module_set = self.module_clients if attr == "client_vars" else self.module_loggers
        return attr in ("client_vars", "logger_vars") and name in module_set

    # -- imports ---------------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.imports[alias.asname] = alias.name
                self.scope.func.locals.add(alias.asname)
            else:
                head = alias.name.split(".")[0]
                self.imports[head] = head
                self.scope.func.locals.add(head)
            if alias.name.startswith(TESTING_MODULES):
                self.is_test = True

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if module.startswith(TESTING_MODULES):
            self.is_test = True
        for alias in node.names:
            local = alias.asname or alias.name
            self.imports[local] = f"{module}.{alias.name}" if module else alias.name
            self.scope.func.locals.add(local)

    # -- functions -------------------------------------------------------------------------------
    def decorator_kind(self, decorators: list[ast.expr]) -> FuncKind:
        for deco in decorators:
            target = deco.func if isinstance(deco, ast.Call) else deco
            name = dotted(target)
            if name is not None:
                last = name.rsplit(".", 1)[-1]
                qualified = self.qualify(target) or name
                if last in DECORATOR_KINDS and ("durable" in qualified or name == last):
                    return DECORATOR_KINDS[last]
        return FuncKind.PLAIN

    def fill_params(self, func: Func, args: ast.arguments) -> None:
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        func.params = [a.arg for a in [*args.posonlyargs, *args.args]]
        for arg in every:
            annotation = dotted(arg.annotation) if arg.annotation is not None else None
            if annotation is not None and annotation.rsplit(".", 1)[-1] == "DurableContext":
                func.typed_ctx_params.append(arg.arg)
        func.locals.update(a.arg for a in every)
        if args.vararg:
            func.locals.add(args.vararg.arg)
        if args.kwarg:
            func.locals.add(args.kwarg.arg)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for deco in node.decorator_list:
            self.visit(deco)
        kind = self.decorator_kind(node.decorator_list)
        func = self.new_func(node.name, kind, node, span_of(node))
        func.is_async = isinstance(node, ast.AsyncFunctionDef)
        self.fill_params(func, node.args)
        if self._in_class and func.params:
            # Methods of a class holding a DurableContext replay with it: ``self.ctx.step(...)``.
            for field in self._class_fields:
                func.locals.add(f"{func.params[0]}.{field}")
                func.typed_ctx_params.append(f"{func.params[0]}.{field}")
        in_class, self._in_class = self._in_class, False
        if not in_class:
            self.scope.func.defs[node.name] = func.fid
            self.scope.func.locals.add(node.name)
        with self.entered(func):
            for stmt in node.body:
                self.visit(stmt)
        self._in_class = in_class

    visit_AsyncFunctionDef = visit_FunctionDef
    _in_class = False
    _class_fields: tuple[str, ...] = ()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scope.func.locals.add(node.name)
        saved, self._class_fields = self._class_fields, context_fields(node)
        for stmt in node.body:
            self._in_class = isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef)
            self.visit(stmt)
        self._in_class = False
        self._class_fields = saved

    def lower_lambda(self, node: ast.Lambda, inline: bool, name: str = "<lambda>") -> Func:
        func = self.new_func(name, FuncKind.PLAIN, node, span_of(node))
        func.inline = inline
        self.fill_params(func, node.args)
        with self.entered(func):
            self.visit(node.body)
        return func

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.lower_lambda(node, inline=True)

    def visit_Global(self, node: ast.Global) -> None:
        self.uses_declarations = True
        for name in node.names:
            self.scope.declared[name] = "global"

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.uses_declarations = True
        for name in node.names:
            self.scope.declared[name] = "nonlocal"

    # -- assignments -----------------------------------------------------------------------------
    def bind_target(self, target: ast.expr, value: ast.expr | None) -> None:
        scope = self.scope
        if isinstance(target, ast.Name):
            name = target.id
            declared = scope.declared.get(name)
            if declared is not None:
                scope.func.events.append(Write(name, False, span_of(target), declared, self.is_lazy(name)))
            else:
                scope.func.locals.add(name)
            return
        if isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self.bind_target(element.value if isinstance(element, ast.Starred) else element, None)
            return
        if isinstance(target, ast.Starred):
            self.bind_target(target.value, None)
            return
        base = root_name(target)
        if base is not None:
            scope.func.events.append(Write(base, True, span_of(target), None, self.is_lazy(base)))
        self.visit(target)

    def is_lazy(self, name: str) -> bool:
        return any(name in names for names in self.lazy_names)

    def note_value(self, name: str, value: ast.expr, first_event: int) -> None:
        """Remember what a local name holds: aliases, tainted values, sets, clients, loggers."""
        scope = self.scope
        events = scope.func.events
        for event in events[first_event:]:
            if isinstance(event, Source) and event.effect in (Effect.CLOCK, Effect.RANDOM):
                scope.tainted[name] = event.what
                break
        else:
            scope.tainted.pop(name, None)
        if isinstance(value, ast.Attribute | ast.Name):
            qualified = self.qualify(value)
            if qualified is not None and S.classify_call(qualified, 0) is not None:
                scope.aliases[name] = qualified
            elif isinstance(value, ast.Name) and value.id not in self.imports:
                scope.func.aliases[name] = value.id
        if _is_setlike_node(value) or (isinstance(value, ast.BinOp) and self.is_setlike(value)):
            scope.set_vars.add(name)
        else:
            scope.set_vars.discard(name)
        if isinstance(value, ast.Call):
            qualified = self.qualify(value.func)
            is_module = scope.func.kind == FuncKind.MODULE
            if qualified in S.AWS_CLIENT_FACTORIES or self.is_client_expr(value.func):
                (self.module_clients if is_module else scope.client_vars).add(name)
            elif qualified in S.LOGGER_FACTORIES:
                (self.module_loggers if is_module else scope.logger_vars).add(name)

    def is_client_expr(self, func: ast.expr) -> bool:
        """``ddb.Table`` where ``ddb`` is a boto3 resource: the result is again an AWS object."""
        return (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and self.is_var(func.value.id, "client_vars")
        )

    def visit_Assign(self, node: ast.Assign) -> None:
        first = len(self.scope.func.events)
        if isinstance(node.value, ast.Lambda) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            func = self.lower_lambda(node.value, inline=False, name=node.targets[0].id)
            self.scope.func.defs[node.targets[0].id] = func.fid
        else:
            self.visit(node.value)
        for target in node.targets:
            self.bind_target(target, node.value)
            if isinstance(target, ast.Name):
                self.note_value(target.id, node.value, first)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        first = len(self.scope.func.events)
        if node.value is not None:
            self.visit(node.value)
            self.bind_target(node.target, node.value)
            if isinstance(node.target, ast.Name):
                self.note_value(node.target.id, node.value, first)
        elif isinstance(node.target, ast.Name):
            self.scope.func.locals.add(node.target.id)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        self.bind_target(node.target, node.value)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self.bind_target(node.target, node.value)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if not isinstance(target, ast.Name):
                self.bind_target(target, None)

    # -- control flow --------------------------------------------------------------------------
    def visit_If(self, node: ast.If) -> None:
        self.visit(node.test)
        self.lazy_names.append(self.lazy_test_names(node.test))
        for stmt in node.body:
            self.visit(stmt)
        self.lazy_names.pop()
        for stmt in node.orelse:
            self.visit(stmt)

    @staticmethod
    def lazy_test_names(test: ast.expr) -> set[str]:
        """Names checked for emptiness: ``if x is None`` / ``if not x`` guard a one-time init."""
        names: set[str] = set()
        tests = test.values if isinstance(test, ast.BoolOp) else [test]
        for part in tests:
            if isinstance(part, ast.UnaryOp) and isinstance(part.op, ast.Not):
                if isinstance(part.operand, ast.Name):
                    names.add(part.operand.id)
            elif (
                isinstance(part, ast.Compare)
                and isinstance(part.left, ast.Name | ast.Attribute | ast.Subscript)
                and isinstance(part.ops[0], ast.Is | ast.NotIn)
            ):
                base = root_name(part.left)
                if base is not None:
                    names.add(base)
            elif isinstance(part, ast.Compare) and isinstance(part.ops[0], ast.NotIn):
                base = root_name(part.comparators[0])
                if base is not None:
                    names.add(base)
        return names

    def is_setlike(self, node: ast.expr) -> bool:
        if _is_setlike_node(node):
            return True
        if isinstance(node, ast.Name):
            return any(node.id in scope.set_vars for scope in reversed(self.scopes[-1:]))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub | ast.BitOr | ast.BitAnd | ast.BitXor):
            return self.is_setlike(node.left) or self.is_setlike(node.right)
        return False

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self.bind_target(node.target, None)
        events = self.scope.func.events
        start = len(events)
        for stmt in node.body:
            self.visit(stmt)
        end = len(events)
        if self.is_setlike(node.iter):
            events.append(SetLoop(span_of(node), (start, end), self.sorted_fix(node.iter)))
        for stmt in node.orelse:
            self.visit(stmt)

    visit_AsyncFor = visit_For

    def visit_comprehension_node(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        events = self.scope.func.events
        loops: list[tuple[int, ast.comprehension]] = []
        for gen in node.generators:
            self.visit(gen.iter)
            self.bind_target(gen.target, None)
            loops.append((len(events), gen))
            for cond in gen.ifs:
                self.visit(cond)
        if isinstance(node, ast.DictComp):
            self.visit(node.key)
            self.visit(node.value)
        else:
            self.visit(node.elt)
        end = len(events)
        for start, gen in loops:
            if self.is_setlike(gen.iter):
                events.append(SetLoop(span_of(gen.iter), (start, end), self.sorted_fix(gen.iter)))

    visit_ListComp = visit_comprehension_node
    visit_SetComp = visit_comprehension_node
    visit_GeneratorExp = visit_comprehension_node
    visit_DictComp = visit_comprehension_node

    def sorted_fix(self, iterable: ast.expr) -> Fix:
        span = span_of(iterable)
        text = self.segment(iterable)
        return Fix(
            description="Iterate in a stable order with sorted(...)",
            applicability="safe",
            edits=[Edit(line=span.line, column=span.col, end_line=span.end_line, end_column=span.end_col,
                        text=f"sorted({text})")],
        )

    def visit_Try(self, node: ast.Try | ast.TryStar) -> None:
        events = self.scope.func.events
        start = len(events)
        for stmt in node.body:
            self.visit(stmt)
        end = len(events)
        for handler in node.handlers:
            fix = self.base_exception_fix(handler)
            if fix is not None and not any(isinstance(n, ast.Raise) for n in self.walk_local(handler.body)):
                events.append(Guard(span_of(handler), (start, end), fix))
            if handler.type is not None:
                self.visit(handler.type)
            if handler.name:
                self.scope.func.locals.add(handler.name)
            for stmt in handler.body:
                self.visit(stmt)
        for stmt in [*node.orelse, *node.finalbody]:
            self.visit(stmt)

    visit_TryStar = visit_Try

    @staticmethod
    def walk_local(body: list[ast.stmt]) -> Iterator[ast.AST]:
        stack: list[ast.AST] = list(body)
        while stack:
            node = stack.pop()
            yield node
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
                stack.extend(ast.iter_child_nodes(node))

    def base_exception_fix(self, handler: ast.ExceptHandler) -> Fix | None:
        """A fix narrowing the handler to Exception, or None when it does not catch BaseException."""
        kind = handler.type
        if kind is None:
            line, col = handler.lineno, handler.col_offset + 1
            edit = Edit(line=line, column=col, end_line=line, end_column=col + len("except"),
                        text="except Exception")
        else:
            candidates = kind.elts if isinstance(kind, ast.Tuple) else [kind]
            target = next((c for c in candidates if dotted(c) in ("BaseException", "builtins.BaseException")), None)
            if target is None:
                return None
            span = span_of(target)
            edit = Edit(line=span.line, column=span.col, end_line=span.end_line, end_column=span.end_col,
                        text="Exception")
        return Fix(description="Catch Exception so SuspendExecution propagates", applicability="safe",
                   edits=[edit])

    # -- calls -----------------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in OPERATIONS:
            receiver = dotted(func.value)
            if receiver is not None and receiver.count(".") <= 1:
                self.lower_operation(node, func, func.value, receiver)
                return
        self.classify(node)
        if isinstance(func, ast.Name):
            args = [a.id if isinstance(a, ast.Name) else None for a in node.args]
            self.scope.func.events.append(Call(func.id, span_of(node), args))
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.attr in S.MUTATING_METHODS:
            self.scope.func.events.append(Write(func.value.id, True, span_of(node), None, self.is_lazy(func.value.id)))
        self.visit(func)
        for arg in node.args:
            self.visit(arg)
        for keyword in node.keywords:
            self.visit(keyword.value)

    def classify(self, node: ast.Call) -> None:
        func = node.func
        qualified = self.qualify(func)
        effect: Effect | None = None
        what = ""
        if qualified is not None:
            effect = S.classify_call(qualified, len(node.args) + len(node.keywords))
            what = qualified
        elif isinstance(func, ast.Attribute):
            receiver = func.value
            if isinstance(receiver, ast.Name):
                if func.attr in S.LOG_LEVELS and self.is_var(receiver.id, "logger_vars"):
                    effect, what = Effect.LOG, f"{receiver.id}.{func.attr}"
                elif func.attr not in S.AWS_LOCAL_METHODS and self.is_var(receiver.id, "client_vars"):
                    effect, what = Effect.IO, f"{receiver.id}.{func.attr}"
            elif isinstance(receiver, ast.Call):
                inner = self.qualify(receiver.func)
                if inner in S.AWS_CLIENT_FACTORIES and func.attr not in S.AWS_LOCAL_METHODS:
                    effect, what = Effect.IO, f"{inner}(...).{func.attr}"
                elif inner in ("pathlib.Path", "pathlib.PurePath") and func.attr in S.PATH_IO_METHODS:
                    effect, what = Effect.IO, f"Path(...).{func.attr}"
                elif inner == "threading.Event" and func.attr == "wait":
                    effect, what = Effect.SLEEP, "threading.Event().wait"
        if effect is None:
            return
        if effect is Effect.ENV and self.env_allowed(node.args[0] if node.args else None):
            return
        self.add_source(effect, what, node, func)

    @staticmethod
    def env_allowed(key: ast.expr | None) -> bool:
        return isinstance(key, ast.Constant) and key.value in S.ENV_ALLOWED

    def add_source(self, effect: Effect, what: str, node: ast.expr, callee: ast.expr | None) -> None:
        fix_kind: str | None = None
        if effect in (Effect.CLOCK, Effect.RANDOM, Effect.IO):
            fix_kind = "wrap-step"
        elif effect is Effect.LOG and isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            level = what.rsplit(".", 1)[-1]
            fix_kind = f"logger:{level if level in S.LOG_LEVELS and level != 'log' else 'info'}"
            if what.endswith(("write", "pprint", "pp")):
                fix_kind = None
        elif effect is Effect.SLEEP and isinstance(node, ast.Call) and len(node.args) == 1:
            seconds = node.args[0]
            if isinstance(seconds, ast.Constant) and isinstance(seconds.value, int) and seconds.value > 0:
                fix_kind = f"wait:{seconds.value}"
        text = ""
        if fix_kind is not None:
            text = self.segment(node)
        self.scope.func.events.append(Source(
            effect, f"{what}()" if isinstance(node, ast.Call) else what, span_of(node), self.in_op_name,
            fix_kind, text, span_of(callee) if callee is not None else None,
        ))

    def visit_Subscript(self, node: ast.Subscript) -> None:
        value = node.value
        if isinstance(node.ctx, ast.Load):
            if self.qualify(value) == "os.environ" and not self.env_allowed(node.slice):
                self.add_source(Effect.ENV, "os.environ[...]", node, None)
            index = node.slice
            if isinstance(index, ast.UnaryOp):
                index = index.operand
            if isinstance(index, ast.Constant) and isinstance(index.value, int):
                what = self.positional_lookup(value)
                if what is not None:
                    self.scope.func.events.append(PositionalLookup(span_of(node), what))
        self.generic_visit(node)

    @staticmethod
    def positional_lookup(value: ast.expr) -> str | None:
        if isinstance(value, ast.Attribute) and value.attr in ("operations", "child_operations"):
            return f".{value.attr}[n]"
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr in ("get_all_operations", "get_operations", "get_child_operations")
        ):
            return f".{value.func.attr}()[n]"
        return None

    def visit_Name(self, node: ast.Name) -> None:
        if self.in_op_name and isinstance(node.ctx, ast.Load):
            self.op_name_refs.append(node.id)

    # -- durable operations ----------------------------------------------------------------------
    def lower_operation(self, node: ast.Call, func: ast.Attribute, receiver_node: ast.expr, receiver: str) -> None:
        method = func.attr
        name_pos, callback_spec = OPERATIONS[method]
        name_node: ast.expr | None = next((k.value for k in node.keywords if k.arg == "name"), None)
        if name_node is None and len(node.args) > name_pos:
            name_node = node.args[name_pos]
        callback_node: ast.expr | None = None
        if callback_spec is not None and len(node.args) > callback_spec[0]:
            callback_node = node.args[callback_spec[0]]
        named = name_node is not None and not (isinstance(name_node, ast.Constant) and name_node.value is None)
        if not named and method in FACTORY_NAMED and isinstance(callback_node, ast.Call):
            named = True
        op = Op(method, receiver, span_of(node), span_of(receiver_node), named)
        events = self.scope.func.events
        for arg in node.args:
            if arg is callback_node and callback_spec is not None:
                self.lower_callbacks(op, arg, callback_spec[1])
            elif arg is name_node:
                self.lower_name(op, arg)
            else:
                self.visit(arg)
        for keyword in node.keywords:
            if keyword.value is name_node:
                self.lower_name(op, keyword.value)
            else:
                self.visit(keyword.value)
        if not named:
            op.name_fix = self.name_fix(node, method, callback_node)
        events.append(op)

    def lower_callbacks(self, op: Op, node: ast.expr, role: Role) -> None:
        elements = node.elts if isinstance(node, ast.List | ast.Tuple) and role is Role.ITEM else [node]
        for element in elements:
            if isinstance(element, ast.Lambda):
                func = self.lower_lambda(element, inline=False)
                op.callbacks.append(Callback(role, func=func.fid))
            elif isinstance(element, ast.Name):
                op.callbacks.append(Callback(role, ref=element.id))
            else:
                self.visit(element)

    def lower_name(self, op: Op, node: ast.expr) -> None:
        saved = self.in_op_name, self.op_name_refs
        self.in_op_name, self.op_name_refs = True, []
        first = len(self.scope.func.events)
        self.visit(node)
        refs = self.op_name_refs
        self.in_op_name, self.op_name_refs = saved
        for event in self.scope.func.events[first:]:
            if isinstance(event, Source) and event.effect in (Effect.CLOCK, Effect.RANDOM):
                op.name_taint = event.what
                return
        for ref in refs:
            for scope in reversed(self.scopes):
                if ref in scope.tainted:
                    op.name_taint = f"{ref} (from {scope.tainted[ref]})"
                    return
                if ref in scope.func.locals:
                    break

    def name_fix(self, node: ast.Call, method: str, callback: ast.expr | None) -> Fix:
        hint = method.replace("_", "-")
        if isinstance(callback, ast.Name):
            hint = callback.id.replace("_", "-")
        end = span_of(node)
        insert = f', name="{hint}"' if node.args or node.keywords else f'name="{hint}"'
        line, col = end.end_line, end.end_col - 1  # just before the closing parenthesis
        return Fix(description=f'Name the operation "{hint}"', applicability="suggestion",
                   edits=[Edit(line=line, column=col, end_line=line, end_column=col, text=insert)])


PythonLowering._table = {  # own handlers only: NodeVisitor's legacy visit_Constant is slow and useless here
    getattr(ast, name[len("visit_"):]): method
    for name, method in vars(PythonLowering).items()
    if name.startswith("visit_") and hasattr(ast, name[len("visit_"):])
}


def context_fields(node: ast.ClassDef) -> tuple[str, ...]:
    """Attributes holding a DurableContext: annotated class fields and ``self.x = ctx`` in ``__init__``."""
    fields: list[str] = []
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and _is_context_type(stmt.annotation):
            fields.append(stmt.target.id)
        if not isinstance(stmt, ast.FunctionDef) or stmt.name != "__init__" or not stmt.args.args:
            continue
        this = stmt.args.args[0].arg
        typed = {a.arg for a in stmt.args.args if a.annotation is not None and _is_context_type(a.annotation)}
        for inner in ast.walk(stmt):
            if isinstance(inner, ast.Assign) and isinstance(inner.value, ast.Name) and inner.value.id in typed:
                fields.extend(t.attr for t in inner.targets if isinstance(t, ast.Attribute)
                              and isinstance(t.value, ast.Name) and t.value.id == this)
    return tuple(fields)


def _is_context_type(annotation: ast.expr) -> bool:
    name = dotted(annotation)
    return name is not None and name.rsplit(".", 1)[-1] == "DurableContext"


def lower_python(source: str, path: str, syntax_only: bool = False) -> Module:
    """Parse and lower; raises SyntaxError (with a location) when the source does not parse."""
    tree = ast.parse(source, filename=path)
    if syntax_only:
        return Module("python", [])
    lowering = PythonLowering(source)
    funcs = lowering.lower(tree)
    if lowering.uses_declarations:
        confirm_declarations(source, path, funcs)
    name = path.rsplit("/", 1)[-1]
    is_test = lowering.is_test or name.startswith("test_") or name.endswith("_test.py")
    return Module("python", funcs, is_test=is_test)


def confirm_declarations(source: str, path: str, funcs: list[Func]) -> None:
    """Keep only nonlocal/global writes that symtable agrees are declared and assigned in that function."""
    table = symtable.symtable(source, path, "exec")
    declared: set[tuple[str, int, str]] = set()
    stack = [table]
    while stack:
        current = stack.pop()
        stack.extend(current.get_children())
        if current.get_type() != "function":
            continue
        for symbol in current.get_symbols():
            if symbol.is_assigned() and (symbol.is_nonlocal() or symbol.is_declared_global()):
                declared.add((current.get_name(), current.get_lineno(), symbol.get_name()))
    for func in funcs:
        kept = []
        for event in func.events:
            if (
                isinstance(event, Write)
                and event.declared is not None
                and (func.name, func.span.line, event.name) not in declared
            ):
                continue
            kept.append(event)
        func.events = kept
