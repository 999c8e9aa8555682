"""Code blocks in the reference docs are real code for the SDK versions we document.

* Python blocks compile, and every name they take from ``aws_durable_execution_sdk_python*`` exists.
  Calls to those names and to ``DurableContext`` methods use keyword arguments the API accepts, and
  attributes read from SDK classes (``Duration.from_minutes``) exist.
* TypeScript blocks type-check with tsc against the JS SDK, its testing library, @types/aws-lambda and
  @types/node, in one tsc run over all blocks. A block opened with ```` ```ts fragment ```` is prose-sized
  and not checked.
* The example tests in the docs (Python `def test_...` blocks, TypeScript blocks using `node:test`) are
  run and must pass.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from durable_mcp.guidance.routing import ROUTES
from tests.support.node_toolchain import DURABLE_JS, link_node_modules

REFERENCE = Path(__file__).resolve().parents[2] / "reference"
SDK_PREFIX = "aws_durable_execution_sdk_python"
TS_TOOLCHAIN = {
    **DURABLE_JS,
    "typescript": "~6.0.3",
    "@types/aws-lambda": "^8.10.164",
    "@types/node": "^22",
}
_FENCE = re.compile(r"^```([\w-]*)[ \t]*([\w-]*)[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    doc: str
    line: int
    language: str
    fragment: bool
    code: str

    @property
    def where(self) -> str:
        return f"reference/{self.doc}.md:{self.line}"


def _blocks() -> list[Block]:
    found = []
    for path in sorted(REFERENCE.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            language = {"py": "python", "ts": "typescript"}.get(match.group(1), match.group(1))
            line = text.count("\n", 0, match.start()) + 1
            fragment = match.group(2) == "fragment"
            found.append(Block(path.stem, line, language, fragment, match.group(3)))
    return found


BLOCKS = _blocks()
PYTHON = [b for b in BLOCKS if b.language == "python" and not b.fragment]
TYPESCRIPT = [b for b in BLOCKS if b.language == "typescript" and not b.fragment]


def test_every_topic_document_exists_with_a_title_and_summary() -> None:
    for name in ROUTES:
        lines = (REFERENCE / f"{name}.md").read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("# "), name
        assert lines[1] == "" and lines[2].strip() and not lines[2].startswith(("#", "```")), name


def test_code_documents_show_typescript_and_python_side_by_side() -> None:
    for name in ROUTES:
        languages = {b.language for b in BLOCKS if b.doc == name}
        assert {"typescript", "python"} <= languages, f"{name} has {sorted(languages)}"


def test_most_typescript_blocks_are_complete() -> None:
    ts = [b for b in BLOCKS if b.language == "typescript"]
    assert len(TYPESCRIPT) >= 0.8 * len(ts)


def test_only_known_fence_languages_are_used() -> None:
    assert {b.language for b in BLOCKS} <= {"python", "typescript", "yaml", "bash", "json", "text"}


# --- Python ---------------------------------------------------------------------------------------


def _sdk_imports(tree: ast.Module, where: str) -> dict[str, Any]:
    """Resolve every SDK import in the block, failing on a module or name that does not exist."""
    bound: dict[str, Any] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(SDK_PREFIX):
            module = importlib.import_module(node.module or "")
            for alias in node.names:
                assert hasattr(module, alias.name), f"{where}: {node.module} has no {alias.name}"
                bound[alias.asname or alias.name] = getattr(module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(SDK_PREFIX):
                    importlib.import_module(alias.name)
    return bound


def _accepts(target: Any, keyword: str) -> bool:
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return True
    params = signature.parameters.values()
    return keyword in signature.parameters or any(p.kind is p.VAR_KEYWORD for p in params)


@functools.cache
def _instance_attributes(cls: type) -> frozenset[str]:
    """Attributes a class sets on ``self`` or declares as dataclass fields."""
    names: set[str] = set()
    for klass in cls.__mro__:
        names.update(getattr(klass, "__dataclass_fields__", {}))
        try:
            names.update(re.findall(r"self\.(\w+)\s*[:=]", inspect.getsource(klass)))
        except (OSError, TypeError):
            continue
    return frozenset(names)


def _has_attribute(cls: type, name: str) -> bool:
    return hasattr(cls, name) or name in _instance_attributes(cls)


def _context_names(tree: ast.Module) -> set[str]:
    """Parameters annotated ``DurableContext``: calls on them are checked against the real class."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.Lambda):
            for arg in [*node.args.args, *node.args.kwonlyargs]:
                annotation = arg.annotation
                if isinstance(annotation, ast.Name) and annotation.id == "DurableContext":
                    names.add(arg.arg)
    return names


def _check_python(block: Block) -> list[str]:
    compile(block.code, block.where, "exec")
    tree = ast.parse(block.code)
    bound = _sdk_imports(tree, block.where)
    from aws_durable_execution_sdk_python import DurableContext

    contexts = _context_names(tree)
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = bound.get(node.value.id) or (DurableContext if node.value.id in contexts else None)
            if owner is not None and inspect.isclass(owner) and not _has_attribute(owner, node.attr):
                problems.append(f"line {node.lineno}: {node.value.id}.{node.attr} does not exist")
        if isinstance(node, ast.Call):
            target = None
            if isinstance(node.func, ast.Name) and node.func.id in bound:
                target = bound[node.func.id]
            elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
                owner_name = node.func.value.id
                if owner_name in contexts:
                    target = getattr(DurableContext, node.func.attr, None)
                elif owner_name in bound:
                    target = getattr(bound[owner_name], node.func.attr, None)
            if target is None:
                continue
            for keyword in node.keywords:
                if keyword.arg is not None and not _accepts(target, keyword.arg):
                    problems.append(f"line {node.lineno}: {ast.unparse(node.func)}() takes no {keyword.arg}=")
    return problems


@pytest.mark.parametrize("block", PYTHON, ids=[b.where for b in PYTHON])
def test_python_block_uses_real_sdk_names(block: Block) -> None:
    assert _check_python(block) == []


def test_the_python_checker_catches_wrong_names() -> None:
    bad = Block(
        "x", 1, "python", False,
        "from aws_durable_execution_sdk_python import DurableContext\n"
        "from aws_durable_execution_sdk_python.config import Duration, StepConfig\n"
        "def f(context: DurableContext) -> None:\n"
        "    context.wait(Duration.from_secs(1), label='x')\n"
        "    StepConfig(retries=3)\n",
    )
    problems = _check_python(bad)
    assert any("Duration.from_secs" in p for p in problems)
    assert any("label=" in p for p in problems)
    assert any("retries=" in p for p in problems)
    with pytest.raises(AssertionError, match="has no NotAThing"):
        _check_python(Block("x", 1, "python", False, f"from {SDK_PREFIX} import NotAThing\n"))


# --- TypeScript -----------------------------------------------------------------------------------

TSCONFIG = {
    "compilerOptions": {
        "target": "ES2022",
        "lib": ["ES2022"],
        "module": "nodenext",
        "moduleResolution": "nodenext",
        "moduleDetection": "force",
        "types": ["node", "aws-lambda"],
        "strict": True,
        "noEmit": True,
        "skipLibCheck": True,
        "esModuleInterop": True,
    },
    "include": ["blocks/*.ts"],
}
_TSC_ERROR = re.compile(r"^blocks/(\d+)\.ts\((\d+),\d+\): (error TS\d+: .*)$", re.MULTILINE)


@pytest.mark.node
@pytest.mark.slow
def test_typescript_blocks_type_check_against_the_sdk(tmp_path: Path) -> None:
    assert TYPESCRIPT, "no TypeScript blocks found"
    (tmp_path / "blocks").mkdir()
    for number, block in enumerate(TYPESCRIPT):
        (tmp_path / "blocks" / f"{number}.ts").write_text(block.code, encoding="utf-8")
    (tmp_path / "tsconfig.json").write_text(json.dumps(TSCONFIG))
    (tmp_path / "package.json").write_text(json.dumps({"name": "doc-blocks", "private": True}))
    modules = link_node_modules(tmp_path, TS_TOOLCHAIN)
    done = subprocess.run(
        ["node", str(modules / "typescript" / "bin" / "tsc"), "-p", "tsconfig.json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )
    errors = [
        f"{TYPESCRIPT[int(n)].doc}.md:{TYPESCRIPT[int(n)].line + int(line)}: {message}"
        for n, line, message in _TSC_ERROR.findall(done.stdout)
    ]
    assert errors == [], "\n".join(errors)
    assert done.returncode == 0, done.stdout + done.stderr


# --- Templates ------------------------------------------------------------------------------------

TEMPLATES = [b for b in BLOCKS if b.language == "yaml" and "AWSTemplateFormatVersion" in b.code]


@pytest.mark.parametrize("block", TEMPLATES, ids=[b.where for b in TEMPLATES])
def test_template_blocks_pass_cfn_lint(block: Block) -> None:
    from cfnlint.api import ManualArgs, lint

    matches = lint(block.code, config=ManualArgs(regions=["us-east-1"]))
    assert [str(m) for m in matches] == []


# --- Example tests in the docs actually pass ---------------------------------------------------------

PYTHON_TESTS = [b for b in PYTHON if re.search(r"^def test_", b.code, re.MULTILINE)]
TS_TESTS = [b for b in TYPESCRIPT if 'from "node:test"' in b.code]


@pytest.mark.parametrize("block", PYTHON_TESTS, ids=[b.where for b in PYTHON_TESTS])
def test_python_example_tests_pass(block: Block, tmp_path: Path) -> None:
    (tmp_path / "test_example.py").write_text(block.code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_example.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.node
@pytest.mark.slow
def test_typescript_example_tests_pass(tmp_path: Path) -> None:
    assert TS_TESTS, "no TypeScript example tests found"
    (tmp_path / "src").mkdir()
    for number, block in enumerate(TS_TESTS):
        (tmp_path / "src" / f"example{number}.test.ts").write_text(block.code, encoding="utf-8")
    options = {**TSCONFIG["compilerOptions"], "noEmit": False, "outDir": "out", "rootDir": "src"}
    (tmp_path / "tsconfig.json").write_text(json.dumps({"compilerOptions": options, "include": ["src"]}))
    modules = link_node_modules(tmp_path, TS_TOOLCHAIN)
    compiled = subprocess.run(
        ["node", str(modules / "typescript" / "bin" / "tsc"), "-p", "tsconfig.json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )
    assert compiled.returncode == 0, compiled.stdout
    for number, block in enumerate(TS_TESTS):
        # one process per file: the runner's test environment (fake timers) is process-wide
        done = subprocess.run(
            ["node", "--test", f"out/example{number}.test.js"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        )
        assert done.returncode == 0, f"{block.where}\n{done.stdout[-3000:]}"
        assert "# pass 1" in done.stdout and "# fail 0" in done.stdout, block.where


SERVER_TOOLS = {
    "get_durable_guidance", "scaffold_durable_function", "validate_durable_code",
    "run_durable_function_locally", "check_replay_determinism", "send_durable_callback",
    "deploy_durable_function", "invoke_durable_function", "list_durable_executions",
    "get_durable_execution", "get_durable_execution_history", "diagnose_durable_execution",
    "get_durable_execution_logs", "stop_durable_execution", "check_durable_prerequisites",
}
_TOOL_LIKE = re.compile(
    r"`((?:get|list|run|check|send|deploy|invoke|validate|scaffold|diagnose|stop)_[a-z_]*durable[a-z_]*)`"
)


def test_docs_name_only_tools_the_server_has() -> None:
    for path in sorted(REFERENCE.glob("*.md")):
        named = set(_TOOL_LIKE.findall(path.read_text(encoding="utf-8")))
        assert named <= SERVER_TOOLS, f"{path.name}: {sorted(named - SERVER_TOOLS)}"
