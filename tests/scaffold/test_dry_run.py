"""Every generated Python handler runs on durable-mcp's own local engine to the outcome its tests expect."""

from __future__ import annotations

import importlib
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from durable_mcp.engine.local import LocalEngine
from durable_mcp.scaffold import ProjectSpec, render_project, write_project


def load_project(pattern: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, ModuleType]:
    """Write the Python project and import its handler and test modules (a package name per pattern)."""
    name = f"dry-{pattern}"
    package = name.replace("-", "_")
    preview = render_project(ProjectSpec(name=name, language="python", iac="sam", pattern=pattern))
    root = Path(write_project(preview, tmp_path / name, allowed_roots=[tmp_path]).root)
    monkeypatch.syspath_prepend(str(root / "src"))
    handler_module = importlib.import_module(f"{package}.handler")
    spec = importlib.util.spec_from_file_location(f"{package}_tests", root / "tests" / "test_handler.py")
    assert spec is not None and spec.loader is not None
    tests_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tests_module)
    return handler_module, tests_module


def run(handler: Any, payload: dict[str, Any]) -> tuple[LocalEngine, str]:
    engine = LocalEngine()
    return engine, engine.start(handler, json.dumps(payload))


CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("basic", {"order_id": "order-1", "items": ["book", "pen"]},
     {"order_id": "order-1", "status": "confirmed", "confirmation": "confirmed order-1 with 2 item(s)"}),
    ("saga", {"order_id": "order-2", "amount": 5000},
     {"order_id": "order-2", "status": "rolled-back", "undone": ["released reservation-order-2"]}),
    ("batch", {"items": [{"id": "a", "quantity": 1}, {"id": "broken", "quantity": 0}, {"id": "c", "quantity": 3},
                         {"id": "d", "quantity": 4}, {"id": "e", "quantity": 5}]},
     {"failed": ["broken"]}),
    ("polling", {"job_id": "job-1"}, {"job_id": "job-1", "status": "DONE", "checks": 3}),
]


@pytest.mark.parametrize(("pattern", "payload", "expected"), CASES, ids=[c[0] for c in CASES])
def test_handler_reaches_the_expected_result(
    pattern: str, payload: dict[str, Any], expected: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler_module, _ = load_project(pattern, tmp_path, monkeypatch)
    engine, arn = run(handler_module.handler, payload)
    with engine:
        outcome = engine.result(arn)
    assert outcome.status == "SUCCEEDED", outcome.error
    assert expected.items() <= outcome.result.items()


@pytest.mark.parametrize(("answer", "status"), [({"approved": True}, "approved"), ({"approved": False}, "rejected")])
def test_approval_resumes_when_the_callback_is_answered(
    answer: dict[str, Any], status: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler_module, _ = load_project("human-approval", tmp_path, monkeypatch)
    engine, arn = run(handler_module.handler, {"request_id": "req-1", "amount": 250})
    with engine:
        assert engine.result(arn).status == "RUNNING"
        callback_id = engine.callback_id(arn, "approval")
        assert callback_id is not None
        engine.send_callback_heartbeat(callback_id)
        engine.service.send_durable_execution_callback_success(
            CallbackId=callback_id, Result=json.dumps(answer).encode()
        )
        engine.run_until_idle(arn)
        outcome = engine.result(arn)
    assert outcome.status == "SUCCEEDED", outcome.error
    assert outcome.result["status"] == status


def test_agent_loop_answers_with_the_scripted_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    handler_module, tests_module = load_project("agent", tmp_path, monkeypatch)
    engine, arn = run(handler_module.make_handler(tests_module.weather_model), {"prompt": "Weather in Paris?"})
    with engine:
        outcome = engine.result(arn)
    assert outcome.status == "SUCCEEDED", outcome.error
    assert outcome.result == {"answer": "It is sunny in Paris.", "turns": 2}
