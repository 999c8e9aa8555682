"""Run TypeScript and JavaScript durable handlers under Node against the local endpoint.

The handler runs with the official ``@aws/durable-execution-sdk-js`` from its own project; the
SDK reaches the engine over HTTP (``AWS_ENDPOINT_URL_LAMBDA``), exactly as it reaches Lambda.
TypeScript is transpiled inside the worker with the project's esbuild, else its ``typescript``
(``transpileModule``), else Node's own type stripping (Node >= 22.18).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from durable_mcp.errors import UserError
from durable_mcp.runtimes.process import ProcessInvoker
from durable_mcp.runtimes.refs import HandlerRef

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
        node: str = "node",
    ) -> None:
        self._node = find_node(node)
        super().__init__(
            ref, endpoint_url=endpoint_url, service=service, perturb_seed=perturb_seed, stub_steps=stub_steps
        )

    def worker_argv(self) -> Sequence[str]:
        return [self._node, str(harness_path()), str(self.ref.path), self.ref.export]

    def worker_env(self) -> dict[str, str]:
        return {"NODE_NO_WARNINGS": "1"}
