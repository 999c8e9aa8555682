from __future__ import annotations

import pytest

from tests.aws.moto_server import aws_env, moto_url

__all__ = ["aws_env", "moto_url"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
