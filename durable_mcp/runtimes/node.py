"""Run TypeScript and JavaScript durable handlers under Node against the local endpoint.

The handler runs with the official ``@aws/durable-execution-sdk-js`` from its own project; the
SDK reaches the engine over HTTP (``AWS_ENDPOINT_URL_LAMBDA``), exactly as it reaches Lambda.
TypeScript is transpiled inside the worker with what the project has, in this order: esbuild
(one in-memory CommonJS bundle of the handler's own files, packages left external, inline source
map), tsx (its CommonJS register hook), typescript (``transpileModule`` per file through a require
hook; TypeScript 7 has no such API), else Node's own type stripping (Node >= 22.18).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from durable_mcp.errors import UserError
from durable_mcp.runtimes.process import LogSink, ProcessInvoker
from durable_mcp.runtimes.refs import TYPESCRIPT_EXTENSIONS, HandlerRef

NODE_INSTALL_HINT = (
    "Install Node.js 22 or newer (https://nodejs.org, or `nvm install 22`) and make sure `node` is on PATH."
)


def harness_path() -> Path:
    return Path(str(resources.files("durable_mcp.runtimes").joinpath("node_harness.cjs")))


def find_node(node: str = "node") -> str:
    found = shutil.which(node)
    if found is None:
        raise UserError(f"Cannot run a TypeScript/JavaScript handler: Node.js was not found. {NODE_INSTALL_HINT}")
    return found


SDK_PACKAGE = "@aws/durable-execution-sdk-js"
TRANSPILERS = ("esbuild", "tsx", "typescript")


def _package_dirs(start: Path) -> list[Path]:
    """Where Node looks for packages required from ``start``: node_modules up the tree, then NODE_PATH."""
    dirs = [parent / "node_modules" for parent in (start, *start.parents)]
    dirs += [Path(entry) for entry in os.environ.get("NODE_PATH", "").split(os.pathsep) if entry]
    return dirs


def _installed(package: str, start: Path) -> bool:
    return any((base / package / "package.json").is_file() for base in _package_dirs(start))


def _declaring_manifest(start: Path) -> Path | None:
    """The nearest package.json above ``start`` that lists the SDK: the project only needs `npm install`."""
    for parent in (start, *start.parents):
        manifest = parent / "package.json"
        if manifest.is_file():
            try:
                declared = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            sections = ("dependencies", "devDependencies", "peerDependencies")
            listed = isinstance(declared, dict) and any(
                isinstance(declared.get(section), dict) and SDK_PACKAGE in declared[section] for section in sections
            )
            return manifest if listed else None
    return None


def _node_version(node: str) -> tuple[int, int]:
    done = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30, check=False)
    major, minor, *_ = (done.stdout.strip().lstrip("v") + ".0.0").split(".")
    return int(major), int(minor)


def preflight(ref: HandlerRef, node: str) -> None:
    """Fail early, with the fix, when the handler's project cannot run under Node."""
    project = ref.path.parent
    if not _installed(SDK_PACKAGE, project):
        manifest = _declaring_manifest(project)
        fix = (
            f"Run `npm install` in {manifest.parent} (its package.json lists it)"
            if manifest is not None
            else f"Run `npm install {SDK_PACKAGE}` in the handler's project"
        )
        raise UserError(f"{SDK_PACKAGE} is not installed for {ref.path}. {fix}, then run it again.")
    if ref.path.suffix not in TYPESCRIPT_EXTENSIONS or any(_installed(name, project) for name in TRANSPILERS):
        return
    major, minor = _node_version(node)
    # Node strips types without a flag from 22.18 and 23.6.
    if major >= 24 or (major, minor) >= (23, 6) or (major == 22 and minor >= 18):
        return
    raise UserError(
        f"Cannot run {ref.path.name}: no TypeScript transpiler in its project and Node {major}.{minor} "
        "cannot run .ts files. Install one (npm i -D esbuild, npm i -D tsx, or npm i -D typescript@~6.0.3) "
        "or use Node >= 22.18."
    )


class NodeInvoker(ProcessInvoker):
    """Node workers loading ``ref`` once each; see :class:`ProcessInvoker` for the arguments."""

    def __init__(
        self,
        ref: HandlerRef,
        *,
        endpoint_url: str | None = None,
        service: object | None = None,
        perturb_seed: int | None = None,
        stub_steps: Mapping[str, Any] | None = None,
        log_sink: LogSink | None = None,
        node: str = "node",
    ) -> None:
        self._node = find_node(node)
        preflight(ref, self._node)
        super().__init__(
            ref,
            endpoint_url=endpoint_url,
            service=service,
            perturb_seed=perturb_seed,
            stub_steps=stub_steps,
            log_sink=log_sink,
        )

    def worker_argv(self) -> Sequence[str]:
        return [self._node, str(harness_path()), str(self.ref.path), self.ref.export]

    def worker_env(self) -> dict[str, str]:
        return {"NODE_NO_WARNINGS": "1"}
