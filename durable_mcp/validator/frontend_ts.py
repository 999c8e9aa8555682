"""Lower TypeScript / JavaScript (tree-sitter) into the validator IR."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from tree_sitter import Language, Node, Parser

from durable_mcp.validator import sources_js as S
from durable_mcp.validator.columns import ColumnMap
from durable_mcp.validator.ir import (
    Call,
    Callback,
    Concurrent,
    Effect,
    Func,
    FuncKind,
    Module,
    Op,
    PositionalLookup,
    Role,
    Source,
    Span,
    Write,
)
from durable_mcp.validator.models import Edit, Fix

OPERATIONS = frozenset({"step", "wait", "waitForCallback", "createCallback", "waitForCondition", "map",
                        "parallel", "runInChildContext", "invoke"})
STEP_LIKE = {"step": Role.STEP, "waitForCallback": Role.STEP, "waitForCondition": Role.STEP,
             "runInChildContext": Role.CHILD}
FUNCTION_TYPES = frozenset({"arrow_function", "function_expression", "function", "function_declaration",
                            "generator_function", "generator_function_declaration", "method_definition"})
PARAMETER_PREFIXES = frozenset({"decorator", "accessibility_modifier", "override_modifier", "readonly", "comment"})
STRINGY = frozenset({"string", "template_string"})
PROMISE_CHAIN = frozenset({"then", "catch", "finally"})
SKIP_TYPES = frozenset({"identifier", "shorthand_property_identifier", "string_fragment", "escape_sequence",
                        "statement_identifier", "private_property_identifier", "empty_statement",
                        "type_annotation", "type_arguments", "type_parameters", "interface_declaration",
                        "type_alias_declaration", "comment", "string", "number", "regex", "property_identifier",
                        "predefined_type", "type_identifier", "true", "false", "null", "undefined", "this", "super",
                        "hash_bang_line"})
SDK_MODULE = "@aws/durable-execution-sdk-js"
TESTING_MODULE = "@aws/durable-execution-sdk-js-testing"
_IDENTIFIER = re.compile(r"(?<![.\w$])[A-Za-z_$][\w$]*")
_DOTTED = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")
_FIELD_STORE = re.compile(r"this\.([A-Za-z_$][\w$]*)\s*=\s*([A-Za-z_$][\w$]*)")
_REQUIRE_AT = re.compile(rb"(?:await\s+)?(?:require|import)\b")
_TEST_NAME = re.compile(r"\.(test|spec)\.[cm]?[jt]sx?$")


@cache
def _language(language: str, tsx: bool) -> Language:
    if language == "typescript":
        import tree_sitter_typescript as tst

        return Language(tst.language_tsx() if tsx else tst.language_typescript())
    import tree_sitter_javascript as tsj

    return Language(tsj.language())


@cache
def _parser(language: str, tsx: bool) -> Parser:
    return Parser(_language(language, tsx))


HANDLERS = {
    "import_statement": "on_import",
    "variable_declarator": "on_declarator",
    "call_expression": "on_call",
    "new_expression": "on_new",
    "assignment_expression": "on_assignment",
    "augmented_assignment_expression": "on_assignment",
    "update_expression": "on_update",
    "if_statement": "on_if",
    "member_expression": "on_member",
    "subscript_expression": "on_subscript",
    "class_declaration": "on_class",
    "catch_clause": "on_catch",
    "for_in_statement": "on_for_in",
    **dict.fromkeys(FUNCTION_TYPES, "on_function"),
}


@dataclass(frozen=True, slots=True)
class KindTable:
    """The walk's view of a grammar, by numeric kind id (cheaper than the kind name, and it tells a named
    node from a token that shares its name, like the ``function`` keyword)."""

    handlers: dict[int, str]  # kind id -> ScriptLowering method
    dead_ends: frozenset[int]  # leaves, literals, types and tokens: never entered


@cache
def _kind_table(language: str, tsx: bool) -> KindTable:
    grammar = _language(language, tsx)
    handlers: dict[int, str] = {}
    dead_ends: set[int] = set()
    for kind_id in range(grammar.node_kind_count):
        kind = grammar.node_kind_for_id(kind_id)
        if not grammar.node_kind_is_named(kind_id):
            dead_ends.add(kind_id)
        elif kind in HANDLERS:
            handlers[kind_id] = HANDLERS[kind]
        elif kind in SKIP_TYPES:
            dead_ends.add(kind_id)
    return KindTable(handlers, frozenset(dead_ends))


class NodeSpan(Span):
    """A span read from its syntax node on first access: most events never become a finding.

    The four slots stay unset until one is read; reading an unset slot raises AttributeError, which
    lands in ``__getattr__`` and fills them all from the node.
    """

    __slots__ = ("node",)

    def __init__(self, node: Node) -> None:  # the fields are filled on first read
        self.node = node

    def __getattr__(self, name: str) -> int:
        if name not in ("line", "col", "end_line", "end_col"):
            raise AttributeError(name)
        start, end = self.node.start_point, self.node.end_point
        self.line, self.col, self.end_line, self.end_col = start[0] + 1, start[1] + 1, end[0] + 1, end[1] + 1
        return int(getattr(self, name))


def _error_node(node: Node) -> Node:
    """The innermost ERROR (or a MISSING token) on the first erroneous path: where the parser gave up."""
    for child in node.children:
        if child.is_missing:
            return child
        if child.has_error:
            return _error_node(child)
    return node


def _text_reader(ascii_text: str | None) -> Callable[[Node], str]:
    """Source text of a node. Byte offsets index an ASCII str exactly: slicing it avoids a bytes copy and a
    decode per read."""
    if ascii_text is None:
        return _decoded_text

    def sliced(node: Node) -> str:
        return ascii_text[node.start_byte:node.end_byte]

    return sliced


def _decoded_text(node: Node) -> str:
    raw = node.text
    return raw.decode("utf-8", errors="replace") if raw is not None else ""


class ScriptLowering:
    def __init__(self, source: bytes, language: str, tsx: bool = False, ascii_text: str | None = None) -> None:
        self.src = source
        self.text = _text_reader(ascii_text)
        self.language = language
        self.funcs: list[Func] = []
        self.stack: list[Func] = []
        self.func: Func  # the innermost function being lowered: self.stack[-1]
        self.imports: dict[str, str] = {}  # local name -> "module:export"
        self.clients: set[str] = set()
        self.tainted: list[dict[str, str]] = []
        self.pending_handlers: list[tuple[int, str]] = []
        self.is_test = False
        self.in_op_name = False
        self.lazy_names: list[set[str]] = []
        self.class_fields: list[list[str]] = []
        table = _kind_table(language, tsx)
        self.dead_ends = table.dead_ends
        self.dispatch = _dispatch_table(language, tsx)

    # -- helpers ------------------------------------------------------------------------------
    def visit(self, node: Node) -> None:
        kind = node.kind_id
        handler = self.dispatch.get(kind)
        if handler is not None:
            handler(self, node)
        elif kind not in self.dead_ends:
            self.visit_inside(node)

    def visit_inside(self, node: Node) -> None:
        """Handle the outermost handled nodes strictly inside ``node``; handlers recurse themselves.

        One cursor walks the pass-through nodes (statements, blocks, awaits, objects...) in place.
        """
        cursor = node.walk()
        if not cursor.goto_first_child():
            return
        dispatch, dead_ends = self.dispatch, self.dead_ends
        depth = 1
        while True:
            # A leaf (token, name, literal) holds nothing to lower: step over it without making a Node.
            if cursor.goto_first_child():
                cursor.goto_parent()
                child = cursor.node
                assert child is not None
                kind = child.kind_id
                if kind not in dead_ends:
                    handler = dispatch.get(kind)
                    if handler is None:
                        cursor.goto_first_child()
                        depth += 1
                        continue
                    handler(self, child)
            while not cursor.goto_next_sibling():
                if depth == 1:
                    return
                cursor.goto_parent()
                depth -= 1

    def is_local(self, name: str) -> bool:
        if name in self.imports:
            return False
        return any(name in func.locals for func in reversed(self.stack))

    def lower(self, root: Node) -> list[Func]:
        module = Func(0, "<module>", None, FuncKind.MODULE, NodeSpan(root))
        self.funcs.append(module)
        self.stack.append(module)
        self.func = module
        self.tainted.append({})
        self.visit_inside(root)
        for fid, name in self.pending_handlers:
            target = self.resolve_def(fid, name)
            if target is not None:
                target.kind = FuncKind.HANDLER
        return self.funcs

    def resolve_def(self, fid: int | None, name: str) -> Func | None:
        while fid is not None:
            func = self.funcs[fid]
            if name in func.defs:
                return self.funcs[func.defs[name]]
            if name in func.locals:
                return None
            fid = func.parent
        return None

    # -- imports ------------------------------------------------------------------------------
    def on_import(self, node: Node) -> None:
        source = node.child_by_field_name("source")
        if source is None:
            return
        module = self.text(source).strip("'\"`")
        if module == TESTING_MODULE:
            self.is_test = True
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.add_import(self.text(part), f"{module}:default")
                elif part.type == "namespace_import":
                    for ident in part.named_children:
                        self.add_import(self.text(ident), f"{module}:*")
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias")
                        if name is not None:
                            local = alias if alias is not None else name
                            self.add_import(self.text(local), f"{module}:{self.text(name)}")

    def add_import(self, local: str, qualified: str) -> None:
        self.imports[local] = qualified.removeprefix("node:")
        self.funcs[0].locals.add(local)

    def require_module(self, value: Node | None) -> str | None:
        # Read the text first: almost no value is a `require(...)` / `import(...)` call.
        if value is None or _REQUIRE_AT.match(self.src, value.start_byte) is None:
            return None
        if value.type == "await_expression" and value.named_child_count:
            value = value.named_children[0]
        if value.type != "call_expression":
            return None
        parts = value.children
        callee, args = parts[0], parts[-1]
        if self.text(callee) not in ("require", "import"):
            return None
        first = args.named_children[0] if args.named_child_count else None
        return self.text(first).strip("'\"`") if first is not None and first.type == "string" else None

    # -- declarations ---------------------------------------------------------------------------
    def bind_pattern(self, node: Node | None) -> list[str]:
        if node is None:
            return []
        if node.type in ("identifier", "shorthand_property_identifier_pattern"):
            name = self.text(node)
            self.func.locals.add(name)
            return [name]
        names: list[str] = []
        for child in node.named_children:
            if child.type == "pair_pattern":
                names += self.bind_pattern(child.child_by_field_name("value"))
            elif child.type in ("assignment_pattern", "object_assignment_pattern"):
                names += self.bind_pattern(child.child_by_field_name("left"))
                right = child.child_by_field_name("right")
                if right is not None:
                    self.visit(right)
            elif child.type not in SKIP_TYPES:
                names += self.bind_pattern(child)
        return names

    def on_declarator(self, node: Node) -> None:
        parts = node.children
        target = parts[0]
        value = parts[-1] if len(parts) > 1 else None
        value_type = value.type if value is not None else ""
        if value_type == "type_annotation":  # `let x: T;`
            value, value_type = None, ""
        module = self.require_module(value)
        if module is not None:
            self.bind_require(target, module)
            return
        target_type = target.type
        if target_type == "identifier" and value is not None and value_type in FUNCTION_TYPES:
            name = self.text(target)
            self.func.locals.add(name)
            annotation = node.child_by_field_name("type")
            typed_handler = annotation is not None and "DurableExecutionHandler" in self.text(annotation)
            func = self.lower_function(value, name, inline=False)
            self.func.defs[name] = func.fid
            if typed_handler:
                func.kind = FuncKind.HANDLER
            return
        first = len(self.func.events)
        if value is not None:
            self.visit(value)
            if target_type == "array_pattern":
                self.positional_destructure(target, value)
        for name in self.bind_pattern(target):
            self.note_value(name, value, first)

    def bind_require(self, target: Node, module: str) -> None:
        if target.type == "identifier":
            self.add_import(self.text(target), f"{module}:*")
            return
        for child in target.named_children:
            if child.type == "shorthand_property_identifier_pattern":
                name = self.text(child)
                self.add_import(name, f"{module}:{name}")
            elif child.type == "pair_pattern":
                key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
                if key is not None and value is not None and value.type == "identifier":
                    self.add_import(self.text(value), f"{module}:{self.text(key)}")

    def note_value(self, name: str, value: Node | None, first: int) -> None:
        taints = self.tainted[-1]
        for event in self.func.events[first:]:
            if isinstance(event, Source) and event.effect in (Effect.CLOCK, Effect.RANDOM):
                taints[name] = event.what
                break
        else:
            taints.pop(name, None)
        if value is None:
            return
        kind = value.type
        if kind == "identifier":
            self.func.aliases[name] = self.text(value)
        elif kind == "new_expression" and self.is_aws_client(value.child_by_field_name("constructor")):
            self.clients.add(name)
        elif kind == "call_expression":
            callee = value.children[0]
            if callee.type == "member_expression" and self.is_aws_client(callee.children[0]):
                self.clients.add(name)

    def is_aws_client(self, node: Node | None) -> bool:
        if node is None or node.type != "identifier":
            return False
        qualified = self.imports.get(self.text(node), "")
        return qualified.startswith(S.AWS_SDK_PREFIXES)

    def on_class(self, node: Node) -> None:
        name = node.child_by_field_name("name")
        if name is not None:
            self.func.locals.add(self.text(name))
        body = node.child_by_field_name("body")
        self.class_fields.append(self.context_fields(body) if body is not None else [])
        self.visit_inside(node)
        self.class_fields.pop()

    def context_fields(self, body: Node) -> list[str]:
        """Fields holding a DurableContext: typed fields, parameter properties, ``this.x = ctx`` in the constructor."""
        fields: list[str] = []
        for member in body.named_children:
            annotation = member.child_by_field_name("type")
            name = member.child_by_field_name("name")
            if member.type == "public_field_definition" and annotation is not None and name is not None \
                    and "DurableContext" in self.text(annotation):
                fields.append(self.text(name))
            if member.type != "method_definition" or name is None or self.text(name) != "constructor":
                continue
            params = member.child_by_field_name("parameters")
            typed: set[str] = set()
            for param in params.named_children if params is not None else []:
                pattern, kind = param.child_by_field_name("pattern"), param.child_by_field_name("type")
                if pattern is None or kind is None or "DurableContext" not in self.text(kind):
                    continue
                typed.add(self.text(pattern))
                if any(c.type in ("accessibility_modifier", "readonly") for c in param.children):
                    fields.append(self.text(pattern))
            constructor = member.child_by_field_name("body")
            if constructor is not None and typed:
                for match in _FIELD_STORE.finditer(self.text(constructor)):
                    if match.group(2) in typed:
                        fields.append(match.group(1))
        return fields

    def on_catch(self, node: Node) -> None:
        self.bind_pattern(node.child_by_field_name("parameter"))
        body = node.child_by_field_name("body")
        if body is not None:
            self.visit(body)

    def on_for_in(self, node: Node) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if right is not None:
            self.visit(right)
        if left is not None:
            if node.child_by_field_name("kind") is not None:
                self.bind_pattern(left)
            else:
                self.visit(left)
        body = node.child_by_field_name("body")
        if body is not None:
            self.visit(body)

    # -- functions ------------------------------------------------------------------------------
    def on_function(self, node: Node) -> None:
        name_node = node.child_by_field_name("name")
        name = self.text(name_node) if name_node is not None else "<anonymous>"
        declared = node.type in ("function_declaration", "generator_function_declaration")
        if declared:
            self.func.locals.add(name)
        func = self.lower_function(node, name, inline=not declared and node.type != "method_definition")
        if declared:
            self.func.defs[name] = func.fid

    def lower_function(self, node: Node, name: str, inline: bool) -> Func:
        parts = node.children
        is_async = parts[0].type == "async"
        outer = self.func
        func = Func(len(self.funcs), name, outer.fid, FuncKind.PLAIN, NodeSpan(node), inline=inline, is_async=is_async)
        self.funcs.append(func)
        if self.class_fields and node.type == "method_definition":
            for field in self.class_fields[-1]:
                func.locals.add(f"this.{field}")
                func.typed_ctx_params.append(f"this.{field}")
        # An arrow function starts with its parameters (after `async`); other kinds name them by field.
        params: Node | None = parts[1] if is_async else parts[0]
        if params is None or params.type != "formal_parameters":
            params = node.child_by_field_name("parameters")
        self.stack.append(func)
        self.func = func
        self.tainted.append({})
        saved_lazy, self.lazy_names = self.lazy_names, []
        if params is None:
            single = node.child_by_field_name("parameter")
            if single is not None:
                func.params = self.bind_pattern(single)
        else:
            for param in params.named_children:
                if param.type.endswith("_parameter"):
                    pattern, annotation, value = self.parameter_parts(param)
                else:  # JavaScript: the pattern itself
                    pattern, annotation, value = param, None, None
                if pattern.type == "identifier":
                    name = self.text(pattern)
                    func.locals.add(name)
                    names = [name]
                    func.params.append(name)
                else:
                    names = self.bind_pattern(pattern)
                    func.params.append("")
                if annotation is not None and "DurableContext" in self.text(annotation) and names:
                    func.typed_ctx_params.append(names[0])
                if value is not None:
                    self.visit(value)
        self.visit(parts[-1])  # the body: every function kind ends with it
        self.lazy_names = saved_lazy
        self.tainted.pop()
        self.stack.pop()
        self.func = outer
        return func

    @staticmethod
    def parameter_parts(param: Node) -> tuple[Node, Node | None, Node | None]:
        """(pattern, type annotation, default value) of a TypeScript required/optional parameter."""
        parts = param.children
        pattern = parts[0]
        if pattern.type in PARAMETER_PREFIXES:
            found = param.child_by_field_name("pattern")
            assert found is not None
            pattern = found
        annotation = value = None
        for part in parts:
            kind = part.type
            if kind == "type_annotation":
                annotation = part
            elif kind == "=":
                value = parts[-1]  # the initializer ends the parameter
                break
        return pattern, annotation, value

    # -- calls ------------------------------------------------------------------------------------
    def callee_name(self, node: Node) -> str | None:
        """Dotted name of a callee made only of identifiers and property accesses."""
        text = self.text(node)
        return text if _DOTTED.fullmatch(text) else None

    def qualify(self, dotted: str) -> tuple[str, bool] | None:
        """(qualified name, is_import) resolving the head through the import map."""
        head, _, rest = dotted.partition(".")
        if head in self.imports:
            base = self.imports[head]
            return (f"{base}.{rest}" if rest else base), True
        if self.is_local(head):
            return None
        return dotted, False

    def on_call(self, node: Node) -> None:
        parts = node.children
        callee, args = parts[0], parts[-1]
        callee_type = callee.type
        awaited_inside = False
        if callee_type == "await_expression" and callee.named_child_count:
            callee = callee.named_children[0]  # `await ctx.step<T>(...)`: tree-sitter nests the await
            callee_type = callee.type
            awaited_inside = True
        arg_nodes = args.named_children
        visit_callee = True
        if callee_type == "member_expression":
            callee_parts = callee.children
            obj, prop = callee_parts[0], callee_parts[-1]
            obj_type = obj.type
            # `name.method(...)`: the callee holds nothing to lower (and is no `process.env` read)
            visit_callee = obj_type != "identifier"
            method = self.text(prop)
            if method in OPERATIONS and (not visit_callee or (obj_type == "member_expression"
                                                              and self.text(obj).startswith("this."))):
                self.lower_operation(node, method, obj, arg_nodes, awaited_inside)
                return
            if not visit_callee and method in ("all", "allSettled", "race", "any") and self.text(obj) == "Promise" \
                    and not self.is_local("Promise"):
                self.lower_concurrent(node, method, arg_nodes)
            if method in ("getOperationByIndex",):
                self.func.events.append(PositionalLookup(NodeSpan(node), f".{method}(n)"))
            self.classify_member_call(node, callee, obj, method, arg_nodes)
        elif callee_type == "identifier":
            visit_callee = False
            name = self.text(callee)
            self.classify_plain_call(node, name, arg_nodes)
            self.func.events.append(Call(name, NodeSpan(node),
                                         [self.text(a) if a.type == "identifier" else None for a in arg_nodes]))
        if arg_nodes and self.src.find(b"withDurableExecution", callee.start_byte, callee.end_byte) >= 0 \
                and self.is_handler_wrapper(callee):
            arg_nodes = self.lower_handler_wrapper(arg_nodes)
        if visit_callee:
            self.visit(callee)
        for arg in arg_nodes:
            self.visit(arg)

    def is_handler_wrapper(self, callee: Node) -> bool:
        name = self.callee_name(callee)
        if name is None:
            return False
        head, _, rest = name.partition(".")
        qualified = self.imports.get(head, "")
        if rest:
            return rest == "withDurableExecution" and (qualified.startswith(SDK_MODULE) or not qualified)
        return name == "withDurableExecution" or qualified == f"{SDK_MODULE}:withDurableExecution"

    def lower_handler_wrapper(self, args: list[Node]) -> list[Node]:
        """Lower the wrapped handler; returns the arguments still to visit."""
        first = args[0]
        if first.type in FUNCTION_TYPES:
            func = self.lower_function(first, "handler", inline=False)
            func.kind = FuncKind.HANDLER
            return args[1:]
        if first.type == "identifier":
            self.pending_handlers.append((self.func.fid, self.text(first)))
        return args

    def classify_plain_call(self, node: Node, name: str, args: list[Node]) -> None:
        resolved = self.qualify(name)
        if resolved is None:
            return
        qualified, imported = resolved
        effect = S.classify_import(qualified) if imported else S.GLOBAL_CALLS.get(qualified)
        if effect is None:
            return
        if qualified == "Date" and args:
            return
        self.add_source(effect, node, name, self.sleep_fix_kind(node, effect, qualified, args))

    def sleep_fix_kind(self, node: Node, effect: Effect, qualified: str, args: list[Node]) -> str | None:
        if effect is not Effect.SLEEP or not args or args[0].type != "number":
            return None
        if not qualified.endswith(":setTimeout"):
            return None
        try:
            millis = int(self.text(args[0]).replace("_", ""))
        except ValueError:
            return None
        if millis < 1000 or millis % 1000:
            return None
        parent = node.parent
        awaited = parent is not None and parent.type == "await_expression"
        return f"{'wait-await' if awaited else 'wait'}:{millis // 1000}"

    def classify_member_call(self, node: Node, callee: Node, obj: Node, method: str, args: list[Node]) -> None:
        dotted = self.callee_name(callee)
        effect: Effect | None = None
        what = dotted or method
        fix_kind: str | None = None
        if dotted is not None:
            resolved = self.qualify(dotted)
            if resolved is not None:
                qualified, imported = resolved
                if imported:
                    effect = S.classify_import(qualified)
                else:
                    effect = S.GLOBAL_CALLS.get(qualified)
                    head = dotted.split(".", 1)[0]
                    if effect is None and head == "console" and method in S.CONSOLE_LEVELS:
                        effect = Effect.LOG
                        fix_kind = f"logger:{method}"
        if effect is None and obj.type == "identifier" and self.text(obj) in self.clients \
                and method not in S.AWS_LOCAL_METHODS:
            effect = Effect.IO
        if effect is None and method == "promise" and not args and obj.type == "call_expression":
            effect, what = Effect.IO, "AWS SDK v2 .promise()"
        if effect is None and obj.type == "identifier" and method in S.MUTATING_METHODS:
            name = self.text(obj)
            self.func.events.append(Write(name, True, NodeSpan(node), None, self.is_lazy(name)))
        if effect is None and dotted == "Object.assign" and args and args[0].type == "identifier":
            name = self.text(args[0])
            self.func.events.append(Write(name, True, NodeSpan(node), None, self.is_lazy(name)))
        if effect is not None:
            self.add_source(effect, node, what, fix_kind, callee)

    def on_new(self, node: Node) -> None:
        constructor = node.child_by_field_name("constructor")
        args = node.child_by_field_name("arguments")
        if constructor is not None and constructor.type == "identifier":
            name = self.text(constructor)
            if name == "Date" and not self.is_local("Date") and (args is None or args.named_child_count == 0):
                self.add_source(Effect.CLOCK, node, "new Date", None)
        self.visit_inside(node)

    def add_source(self, effect: Effect, node: Node, what: str, fix_kind: str | None,
                   callee: Node | None = None) -> None:
        if fix_kind is None and effect in (Effect.CLOCK, Effect.RANDOM, Effect.IO):
            fix_kind = "wrap-step"
        text = self.text(node) if fix_kind == "wrap-step" else ""
        label = what if what.startswith(("new ", "AWS SDK")) else f"{what}()"
        self.func.events.append(Source(effect, label, NodeSpan(node), self.in_op_name, fix_kind, text,
                                       NodeSpan(callee) if callee is not None else None))

    # -- operations ---------------------------------------------------------------------------------
    def is_stringy(self, node: Node) -> bool:
        if node.type in STRINGY or node.type in ("member_expression", "binary_expression"):
            return True
        if node.type == "identifier":
            name = self.text(node)
            return self.resolve_def(self.func.fid, name) is None and name != "undefined"
        return False

    def is_function_value(self, node: Node | None) -> bool:
        if node is None:
            return False
        if node.type in FUNCTION_TYPES:
            return True
        return node.type == "identifier" and self.resolve_def(self.func.fid, self.text(node)) is not None

    def lower_operation(self, node: Node, method: str, receiver: Node, args: list[Node], awaited: bool) -> None:
        first = args[0] if args else None
        named = False
        name_node: Node | None = None
        callback_index: int | None = None
        is_fn = self.is_function_value
        if method in STEP_LIKE:
            if first is not None and not is_fn(first) and self.text(first) != "undefined":
                named, name_node = True, first
                callback_index = 1
            else:
                callback_index = 0
        elif method == "map":
            if first is not None and (first.type in STRINGY or (len(args) > 2 and is_fn(args[2]))):
                named, name_node, callback_index = True, first, 2
            else:
                callback_index = 1
        elif method == "parallel":
            if first is not None and first.type != "array" and len(args) > 1:
                named, name_node, callback_index = True, first, 1
            else:
                callback_index = 0
        elif method in ("wait", "createCallback"):
            if first is not None and (first.type in STRINGY or (method == "wait" and len(args) > 1)):
                named, name_node = True, first
        elif method == "invoke":
            two_names = len(args) == 2 and all(self.is_stringy(a) and a.type != "object" for a in args)
            if len(args) >= 3 or two_names:
                named, name_node = True, first
        op = Op(method, self.text(receiver), NodeSpan(node), NodeSpan(receiver), named)
        role = STEP_LIKE.get(method, Role.ITEM)
        for index, arg in enumerate(args):
            if index == callback_index:
                self.lower_callbacks(op, arg, role)
            elif arg is name_node:
                self.lower_name(op, arg)
            else:
                self.visit(arg)
        if not named:
            op.name_fix = self.name_fix(node, method, args)
        self.mark_floating(op, node, awaited)
        self.func.events.append(op)

    def lower_callbacks(self, op: Op, node: Node, role: Role) -> None:
        elements = node.named_children if node.type == "array" and op.method == "parallel" else [node]
        for element in elements:
            target = element
            if element.type == "object":
                for pair in element.named_children:
                    key = pair.child_by_field_name("key")
                    if pair.type == "pair" and key is not None and self.text(key) == "func":
                        value = pair.child_by_field_name("value")
                        target = value if value is not None else element
                    elif pair.type == "pair":
                        value = pair.child_by_field_name("value")
                        if value is not None:
                            self.visit(value)
            if target.type in FUNCTION_TYPES:
                func = self.lower_function(target, f"<{op.method} callback>", inline=False)
                op.callbacks.append(Callback(role, func=func.fid))
            elif target.type == "identifier":
                op.callbacks.append(Callback(role, ref=self.text(target)))
            else:
                self.visit(target)

    def lower_name(self, op: Op, node: Node) -> None:
        if node.type == "string":  # a literal: nothing to lower, nothing it could be tainted by
            return
        saved = self.in_op_name
        self.in_op_name = True
        first = len(self.func.events)
        self.visit(node)
        self.in_op_name = saved
        refs = _IDENTIFIER.findall(self.text(node))
        for event in self.func.events[first:]:
            if isinstance(event, Source) and event.effect in (Effect.CLOCK, Effect.RANDOM):
                op.name_taint = event.what
                return
        for ref in refs:
            for taints, func in zip(reversed(self.tainted), reversed(self.stack), strict=False):
                if ref in taints:
                    op.name_taint = f"{ref} (from {taints[ref]})"
                    return
                if ref in func.locals:
                    break

    def name_fix(self, node: Node, method: str, args: list[Node]) -> Fix:
        args_node = node.child_by_field_name("arguments")
        hint = method
        if args and args[0].type == "identifier":
            hint = self.text(args[0])
        parent = node.parent
        while parent is not None and parent.type in ("await_expression", "parenthesized_expression"):
            parent = parent.parent
        if parent is not None and parent.type == "variable_declarator":
            target = parent.child_by_field_name("name")
            if target is not None and target.type == "identifier":
                hint = self.text(target)
        hint = re.sub(r"(?<!^)(?=[A-Z])", "-", hint).lower()
        assert args_node is not None
        line, col = args_node.start_point[0] + 1, args_node.start_point[1] + 2
        text = f'"{hint}", ' if args else f'"{hint}"'
        return Fix(description=f'Name the operation "{hint}"', applicability="suggestion",
                   edits=[Edit(line=line, column=col, end_line=line, end_column=col, text=text)])

    def mark_floating(self, op: Op, node: Node, awaited: bool) -> None:
        # Most operations are awaited: read the preceding token instead of asking tree-sitter for the
        # parent, which walks down from the root on every call.
        start = node.start_byte
        if awaited or self.src[max(0, start - 16):start].rstrip().endswith((b"await", b"return")):
            return
        parent = node.parent
        # `op.then(...).catch(...)` settles (or floats) with the chain it starts: judge the whole chain.
        while parent is not None and parent.type == "member_expression" and parent.parent is not None \
                and parent.parent.type == "call_expression" and self.text(parent.children[-1]) in PROMISE_CHAIN:
            parent = parent.parent.parent
        floating = False
        if parent is None:
            return
        is_void = parent.type == "unary_expression" and self.text(parent).startswith("void")
        if parent.type == "expression_statement" or is_void:
            floating = True
        elif parent.type == "arrow_function":
            call = parent.parent.parent if parent.parent is not None else None
            if call is not None and call.type == "call_expression":
                callee = call.child_by_field_name("function")
                prop = callee.child_by_field_name("property") if callee is not None else None
                floating = prop is not None and self.text(prop) == "forEach"
        elif parent.type == "variable_declarator":
            target = parent.child_by_field_name("name")
            if target is not None and target.type == "identifier":
                floating = not self.used_later(self.text(target), parent)
        if not floating:
            return
        op.floating = True
        if self.func.is_async and parent.type == "expression_statement":
            line, col = op.span.line, op.span.col
            op.await_fix = Fix(description="Await the operation", applicability="safe",
                               edits=[Edit(line=line, column=col, end_line=line, end_column=col, text="await ")])

    def used_later(self, name: str, declarator: Node) -> bool:
        scope = declarator.parent
        while scope is not None and scope.type not in ("statement_block", "program"):
            scope = scope.parent
        if scope is None:
            return True
        rest = self.src[declarator.end_byte:scope.end_byte]
        return re.search(rb"(?<![\w$.])" + re.escape(name.encode()) + rb"(?![\w$])", rest) is not None

    def lower_concurrent(self, node: Node, kind: str, args: list[Node]) -> None:
        if not args:
            return
        event = Concurrent(NodeSpan(node), kind, [], [])
        array = args[0]
        elements: list[Node] = []
        repeated = False
        if array.type == "array":
            elements = list(array.named_children)
        elif array.type == "call_expression":
            callee = array.child_by_field_name("function")
            inner_args = array.child_by_field_name("arguments")
            prop = callee.child_by_field_name("property") if callee is not None else None
            is_map = prop is not None and self.text(prop) == "map"
            if is_map and inner_args is not None and inner_args.named_child_count:
                mapper = inner_args.named_children[0]
                body = mapper.child_by_field_name("body") if mapper.type in FUNCTION_TYPES else None
                if body is not None:
                    elements, repeated = [body], True
        for raw in elements:
            element = raw
            while element.type in ("await_expression", "parenthesized_expression") and element.named_child_count:
                element = element.named_children[0]
            if element.type != "call_expression":
                continue
            callee = element.child_by_field_name("function")
            inner = element.child_by_field_name("arguments")
            if callee is None or inner is None:
                continue
            if callee.type == "member_expression":
                obj, prop = callee.child_by_field_name("object"), callee.child_by_field_name("property")
                if obj is not None and prop is not None and obj.type == "identifier" and self.text(prop) in OPERATIONS:
                    event.direct_ops.append(self.text(obj))
            elif callee.type == "identifier":
                call = Call(self.text(callee), NodeSpan(element),
                            [self.text(a) if a.type == "identifier" else None for a in inner.named_children])
                event.calls.extend([call, call] if repeated else [call])
        self.func.events.append(event)

    # -- writes ---------------------------------------------------------------------------------
    def on_assignment(self, node: Node) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        operator = node.child_by_field_name("operator")
        lazy_operator = operator is not None and self.text(operator) in ("??=", "||=")
        if right is not None:
            if left is not None and left.type == "identifier" and right.type in FUNCTION_TYPES:
                func = self.lower_function(right, self.text(left), inline=False)
                self.func.defs[self.text(left)] = func.fid
            else:
                first = len(self.func.events)
                self.visit(right)
                if left is not None and left.type == "identifier":
                    self.note_value(self.text(left), right, first)
        if left is not None:
            self.record_write(left, node, lazy_operator)

    def on_update(self, node: Node) -> None:
        argument = node.child_by_field_name("argument")
        if argument is not None:
            self.record_write(argument, node, False)

    def record_write(self, target: Node, node: Node, lazy: bool) -> None:
        while target.type == "parenthesized_expression" and target.named_child_count:
            target = target.named_children[0]
        if target.type == "identifier":
            name = self.text(target)
            self.func.events.append(Write(name, False, NodeSpan(node), None, lazy or self.is_lazy(name)))
            return
        if target.type in ("member_expression", "subscript_expression"):
            root = target
            while root.type in ("member_expression", "subscript_expression"):
                inner = root.child_by_field_name("object")
                if inner is None:
                    break
                root = inner
            if root.type == "identifier":
                name = self.text(root)
                self.func.events.append(Write(name, True, NodeSpan(node), None, lazy or self.is_lazy(name)))
            self.visit(target)
        elif target.type in ("array_pattern", "object_pattern"):
            for child in target.named_children:
                if child.type in ("identifier", "shorthand_property_identifier_pattern"):
                    name = self.text(child)
                    self.func.events.append(Write(name, False, NodeSpan(node), None, self.is_lazy(name)))

    def is_lazy(self, name: str) -> bool:
        return any(name in names for names in self.lazy_names)

    def on_if(self, node: Node) -> None:
        condition = node.child_by_field_name("condition")
        names: set[str] = set()
        if condition is not None:
            self.visit(condition)
            text = self.text(condition)
            for match in re.finditer(r"!\s*([A-Za-z_$][\w$]*)|([A-Za-z_$][\w$]*)\s*===?\s*(?:undefined|null)", text):
                names.add(match.group(1) or match.group(2))
        consequence = node.child_by_field_name("consequence")
        if consequence is not None:
            self.lazy_names.append(names)
            self.visit(consequence)
            self.lazy_names.pop()
        alternative = node.child_by_field_name("alternative")
        if alternative is not None:
            self.visit(alternative)

    # -- reads ----------------------------------------------------------------------------------
    def on_member(self, node: Node) -> None:
        if not self.is_env_read(node):
            self.visit_inside(node)
            return
        if not self.is_local("process"):
            prop = node.child_by_field_name("property")
            if prop is None or self.text(prop) not in S.ENV_ALLOWED:
                self.add_source(Effect.ENV, node, "process.env", None)

    def is_env_read(self, node: Node) -> bool:
        """``process.env.X``: the object is the member ``process.env`` itself."""
        if not self.src.startswith(b"process", node.start_byte):
            return False
        obj = node.children[0]
        if obj.type != "member_expression":
            return False
        parts = obj.children
        return parts[0].type == "identifier" and parts[-1].type == "property_identifier" \
            and self.text(parts[0]) == "process" and self.text(parts[-1]) == "env"

    def on_subscript(self, node: Node) -> None:
        obj = node.child_by_field_name("object")
        index = node.child_by_field_name("index")
        if obj is not None and index is not None and index.type == "number" and obj.type == "call_expression":
            callee = obj.child_by_field_name("function")
            prop = callee.child_by_field_name("property") if callee is not None else None
            if prop is not None and self.text(prop) in ("getOperations", "getChildOperations"):
                self.func.events.append(PositionalLookup(NodeSpan(node), f".{self.text(prop)}()[n]"))
        if obj is not None and self.text(obj) == "process.env" and not self.is_local("process"):
            key = index.named_children[0] if index is not None and index.type == "string" and \
                index.named_child_count else None
            if key is None or self.text(key) not in S.ENV_ALLOWED:
                self.add_source(Effect.ENV, node, "process.env", None)
            return
        self.visit_inside(node)

    def positional_destructure(self, target: Node, value: Node) -> None:
        inner = value.named_children[0] if value.type == "await_expression" and value.named_child_count else value
        if inner.type != "call_expression":
            return
        callee = inner.child_by_field_name("function")
        prop = callee.child_by_field_name("property") if callee is not None else None
        if prop is not None and self.text(prop) in ("getOperations", "getChildOperations"):
            self.func.events.append(PositionalLookup(NodeSpan(target), f"destructuring .{self.text(prop)}()"))



Handler = Callable[[ScriptLowering, Node], None]


@cache
def _dispatch_table(language: str, tsx: bool) -> dict[int, Handler]:
    """Kind id -> handler, as plain functions: bound methods stored on the instance would make a reference
    cycle that keeps the whole tree and IR alive until the cyclic collector runs."""
    handlers: dict[int, Handler] = {
        kind_id: getattr(ScriptLowering, method) for kind_id, method in _kind_table(language, tsx).handlers.items()
    }
    return handlers


def lower_script(source: str, path: str, language: str, syntax_only: bool = False) -> Module:
    data = source.encode("utf-8", errors="surrogatepass")
    tsx = path.endswith((".tsx", ".jsx")) and language == "typescript"
    tree = _parser(language, tsx).parse(data)
    root = tree.root_node
    if root.has_error:
        bad = _error_node(root)
        line = bad.start_point[0] + 1
        column = ColumnMap(source).column(line, bad.start_point[1] + 1)  # SyntaxError columns count characters
        kind = f"missing {bad.type}" if bad.is_missing else "unexpected syntax"
        raise SyntaxError(kind, (path, line, column, ""))
    if syntax_only:
        return Module(language, [])
    lowering = ScriptLowering(data, language, tsx, source if source.isascii() else None)
    funcs = lowering.lower(root)
    name = path.rsplit("/", 1)[-1]
    is_test = lowering.is_test or bool(_TEST_NAME.search(name))
    return Module(language, funcs, is_test=is_test)

