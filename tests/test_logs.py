"""Logging: every line goes to the current stderr, with secrets hidden."""

from __future__ import annotations

import io

import pytest
import structlog

from durable_mcp.logs import configure_logging


def test_lines_follow_stderr_after_the_stream_configured_with_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    first = io.StringIO()
    monkeypatch.setattr("sys.stderr", first)
    configure_logging("INFO")
    first.close()
    later = io.StringIO()
    monkeypatch.setattr("sys.stderr", later)
    structlog.get_logger("t").warning("tool list rebuilt", path="/tmp/x")
    assert "tool list rebuilt" in later.getvalue()


def test_secret_fields_are_hidden_and_levels_below_the_threshold_dropped(
        capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("WARNING")
    log = structlog.get_logger("t")
    log.info("not shown")
    log.warning("signed in", token="abc123", Password="hunter2", region="us-east-1")
    err = capsys.readouterr().err
    assert "not shown" not in err
    assert "abc123" not in err and "hunter2" not in err
    assert "token=[hidden]" in err and "region=us-east-1" in err
