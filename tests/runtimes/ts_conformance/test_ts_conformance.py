"""A representative conformance requirement per suite, implemented in TypeScript and checked with the
same harness and matcher as the Python handlers (tests/conformance)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import tests.conformance.driver as conformance_driver
from durable_mcp.determinism.switch import ServiceSwitch
from durable_mcp.endpoint.server import serve
from durable_mcp.engine.local import LocalEngine
from durable_mcp.runtimes.node import NodeInvoker
from durable_mcp.runtimes.refs import parse_handler_ref
from tests.conformance.handlers.common import echo_target
from tests.conformance.harness import run_requirement
from tests.conformance.test_conformance import REQUIREMENTS_DIR
from tests.runtimes.conftest import ESBUILD_TOOLCHAIN
from tests.support.node_toolchain import link_node_modules

pytestmark = pytest.mark.node

HANDLERS = Path(__file__).parent / "handlers.ts"

CASES = [
    ("step", "1-1"),
    ("step", "1-3"),
    ("wait", "2-1"),
    ("wait", "2-2"),
    ("child", "3-1"),
    ("child", "3-2"),
    ("callback", "4-1"),
    ("callback", "4-3"),
    ("invoke", "5-1"),
    ("wait_for_condition", "6-1"),
    ("wait_for_callback", "7-1"),
    ("parallel", "8-1"),
    ("parallel", "8-2"),
    ("map", "9-1"),
    ("map", "9-2"),
]
FUNCTIONS: dict[str, dict[str, Any]] = {"5-1": {"echo-target": echo_target}}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ts-conformance")
    shutil.copy(HANDLERS, root / HANDLERS.name)
    link_node_modules(root, ESBUILD_TOOLCHAIN)
    return root


@pytest.fixture
def switch(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ServiceSwitch, str]]:
    """The harness builds its own engine; point the Node workers' endpoint at it as it is built."""
    switch = ServiceSwitch()

    class SwitchedEngine(LocalEngine):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            switch.use(self.service)

    monkeypatch.setattr(conformance_driver, "LocalEngine", SwitchedEngine)
    with serve(switch) as server:
        yield switch, server.url


@pytest.mark.parametrize(("suite", "requirement_id"), CASES, ids=[f"{s}/{r}" for s, r in CASES])
def test_typescript_handler_meets_the_requirement(
    project: Path, switch: tuple[ServiceSwitch, str], suite: str, requirement_id: str
) -> None:
    requirement = yaml.safe_load((REQUIREMENTS_DIR / suite / f"{requirement_id}.yaml").read_text())
    export = f"{suite}_{requirement_id.replace('-', '_')}"
    ref = parse_handler_ref(f"{project / HANDLERS.name}:{export}")
    with NodeInvoker(ref, endpoint_url=switch[1]) as invoker:
        outcome = run_requirement(requirement, invoker, FUNCTIONS.get(requirement_id))  # type: ignore[arg-type]
    assert not outcome.problems, outcome.report()
