"""Local function names: stable per handler, and telling which project a generic file name belongs to."""

from __future__ import annotations

from pathlib import Path

from durable_mcp.runtimes.refs import function_name_for


def test_local_function_names_say_which_project_they_run(tmp_path: Path) -> None:
    typescript = function_name_for(f"{tmp_path / 'orders' / 'src' / 'index.ts'}:handler")
    python = function_name_for(f"{tmp_path / 'billing' / 'src' / 'billing' / 'handler.py'}:handler")
    named = function_name_for(f"{tmp_path / 'payments.py'}:handler")

    assert typescript.startswith("orders-index-") and python.startswith("billing-handler-")
    assert named.startswith("payments-") and not named.startswith("payments-payments")
    assert function_name_for(f"{tmp_path / 'orders' / 'src' / 'index.ts'}:handler") == typescript  # stable
    assert function_name_for(f"{tmp_path / 'orders' / 'src' / 'index.ts'}:other") != typescript
