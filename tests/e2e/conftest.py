from __future__ import annotations

from pathlib import Path

import pytest

from tests.aws.moto_server import moto_url
from tests.e2e.agent import isolated_env

__all__ = ["moto_url"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The agent's project folder, the server's working directory."""
    folder = tmp_path / "workspace"
    folder.mkdir()
    return folder


@pytest.fixture
def env(workspace: Path, moto_url: str) -> dict[str, str]:
    return isolated_env(workspace, moto_url)
