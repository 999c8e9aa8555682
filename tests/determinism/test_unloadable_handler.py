"""A handler that cannot even be imported is an error to fix, not a deterministic handler."""

from __future__ import annotations

from pathlib import Path

import pytest

from durable_mcp.determinism import check_determinism
from durable_mcp.errors import UserError


def test_unimportable_handler_is_reported_not_called_deterministic(tmp_path: Path) -> None:
    handler = tmp_path / "broken.py"
    handler.write_text("import module_that_does_not_exist\n")
    with pytest.raises(UserError, match=r"never ran.*module_that_does_not_exist"):
        check_determinism(f"{handler}:handler", None, interruptions=False)
