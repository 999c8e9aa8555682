"""tools/smoke_client.py against real servers: one launched over stdio, one serving streamable HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.ports import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SMOKE = ROOT / "tools" / "smoke_client.py"
CHECKS = ("list tools", "resources", "prompts", "validate", "dry-run", "answer callback", "diagnose")


def run_smoke(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([sys.executable, str(SMOKE), *args], capture_output=True, text=True, timeout=300,
                          env=env, cwd=cwd, check=False)


def assert_every_check_passed(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("connected to durable-mcp ")
    assert [line.split()[0] for line in lines[1:]] == ["ok"] * len(CHECKS), done.stdout
    assert "RUNNING, waiting on callback 'approval'" in done.stdout
    assert "execution SUCCEEDED" in done.stdout


def test_a_stdio_server_passes_every_check(tmp_path: Path) -> None:
    assert_every_check_passed(run_smoke(cwd=tmp_path))


def test_an_http_server_passes_every_check_and_a_missing_one_exits_2(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "durable-mcp"), "--transport", "streamable-http", "--port", str(port), "--allow-write",
         "--store", str(tmp_path / "store.sqlite3")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    try:
        wait_until_listening(port)
        assert_every_check_passed(run_smoke("--url", f"http://127.0.0.1:{port}/mcp", cwd=tmp_path))
    finally:
        server.terminate()
        server.wait(timeout=30)
    gone = run_smoke("--url", f"http://127.0.0.1:{port}/mcp", cwd=tmp_path)
    assert gone.returncode == 2, gone.stdout + gone.stderr
    assert "FAIL connect" in gone.stderr
