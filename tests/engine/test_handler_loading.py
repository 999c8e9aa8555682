"""Handler files load as Lambda loads them: from their code directory, packages included."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from durable_mcp.engine.local import LocalEngine
from durable_mcp.engine.python_invoker import code_location, load_handler
from durable_mcp.errors import UserError
from durable_mcp.runtimes.python_subprocess import PythonSubprocessInvoker
from durable_mcp.runtimes.refs import parse_handler_ref

HANDLER = '''
from aws_durable_execution_sdk_python import DurableContext, durable_execution

from {package}.greeting import GREETING
from .punctuation import MARK


@durable_execution
def handler(event, context: DurableContext):
    return context.step(lambda _: GREETING + MARK, name="greet")
'''


def write_project(root: Path, package: str, greeting: str) -> Path:
    """src/<package>/handler.py importing a sibling absolutely and another relatively, as scaffolds do."""
    code = root / "src" / package
    code.mkdir(parents=True)
    (code / "__init__.py").write_text("")
    (code / "greeting.py").write_text(f"GREETING = {greeting!r}\n")
    (code / "punctuation.py").write_text("MARK = '!'\n")
    (code / "handler.py").write_text(HANDLER.format(package=package))
    return code / "handler.py"


@pytest.fixture(autouse=True)
def forget_the_projects(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield
    for name in [name for name in sys.modules if name.split(".")[0] in ("order_flow", "greeting", "punctuation")]:
        del sys.modules[name]


def run(handler_file: Path) -> object:
    engine = LocalEngine()
    with engine:
        arn = engine.start(load_handler(f"{handler_file}:handler"), json.dumps({}))
        outcome = engine.result(arn)
    assert outcome.status == "SUCCEEDED", outcome.error
    return outcome.result


def test_a_file_in_a_package_is_found_under_its_code_directory(tmp_path: Path) -> None:
    handler = write_project(tmp_path, "order_flow", "hello")

    assert code_location(handler) == (tmp_path / "src", "order_flow.handler")
    assert code_location(tmp_path / "src" / "order_flow" / "greeting.py")[1] == "order_flow.greeting"
    assert code_location(tmp_path / "lone.py") == (tmp_path, None)


def test_a_packaged_handler_importing_its_siblings_runs(tmp_path: Path) -> None:
    assert run(write_project(tmp_path, "order_flow", "hello")) == "hello!"


def test_a_packaged_handler_may_import_its_siblings_flat_too(tmp_path: Path) -> None:
    # As when the function's code directory is the package folder itself (CodeUri: src/order_flow/).
    handler = write_project(tmp_path, "order_flow", "hello")
    flat = handler.read_text().replace("from order_flow.greeting import", "from greeting import")
    handler.write_text(flat)

    assert run(handler) == "hello!"


def test_two_projects_with_the_same_package_name_each_run_their_own_code(tmp_path: Path) -> None:
    first = write_project(tmp_path / "first", "order_flow", "hello")
    second = write_project(tmp_path / "second", "order_flow", "bonjour")

    assert run(first) == "hello!"
    assert run(second) == "bonjour!"


def test_a_failing_import_names_the_file_and_the_error(tmp_path: Path) -> None:
    handler = write_project(tmp_path, "order_flow", "hello")
    (handler.parent / "greeting.py").write_text("raise RuntimeError('no greeting today')\n")

    with pytest.raises(UserError, match=r"Importing .*handler\.py failed: RuntimeError: no greeting today"):
        load_handler(f"{handler}:handler")


def test_a_packaged_handler_runs_in_its_own_process_too(tmp_path: Path) -> None:
    ref = parse_handler_ref(f"{write_project(tmp_path, 'order_flow', 'hallo')}:handler")
    with LocalEngine() as engine, PythonSubprocessInvoker(ref, service=engine.service) as isolated:
        outcome = engine.result(engine.start(isolated, json.dumps({})))
    assert outcome.status == "SUCCEEDED", outcome.error
    assert outcome.result == "hallo!"
