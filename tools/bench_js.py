"""Benchmark: a 1,000-step TypeScript handler through durable-mcp's engine + endpoint versus the
official LocalDurableTestRunner (@aws/durable-execution-sdk-js-testing), with and without skipTime.

    /work/venv/bin/python tools/bench_js.py [--steps 1000] [--repeat 3]

Each contender runs the same bundled handler in the same session; times are wall clock for one
execution (median of --repeat). Ours is measured cold (the Node worker starts inside the timing)
and warm (worker already running); the peer's Node start-up and module loading are excluded, so
the comparison favours the peer. Target: ours >= 2x faster than LocalDurableTestRunner(skipTime).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.node_toolchain import DURABLE_JS, link_node_modules  # noqa: E402

PACKAGES = {**DURABLE_JS, "esbuild": "^0.28.0"}

HANDLER_TS = """\
import { DurableContext, withDurableExecution } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (event: { steps: number }, context: DurableContext) => {
  let total = 0;
  for (let i = 0; i < event.steps; i++) {
    total += await context.step(`step-${i}`, async () => i);
  }
  return { total };
});
"""

PEER_MJS = """\
import { createRequire } from "node:module";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
const require = createRequire(import.meta.url);
const { handler } = require("./handler.bundle.cjs");
// fake-timers (skipTime) replaces performance.now: keep the real one.
const realNow = performance.now.bind(performance);
const [mode, steps] = [process.argv[2], Number(process.argv[3])];
await LocalDurableTestRunner.setupTestEnvironment({ skipTime: mode === "skip" });
const runner = new LocalDurableTestRunner({ handlerFunction: handler });
const started = realNow();
const result = await runner.run({ payload: { steps } });
const ms = realNow() - started;
await LocalDurableTestRunner.teardownTestEnvironment();
process.stdout.write(JSON.stringify({ ms, status: result.getStatus(), result: result.getResult() }) + "\\n");
process.exit(0);
"""


def prepare(project: Path) -> None:
    (project / "handler.ts").write_text(HANDLER_TS)
    (project / "peer.mjs").write_text(PEER_MJS)
    link_node_modules(project, PACKAGES)
    subprocess.run(
        [
            str(project / "node_modules" / ".bin" / "esbuild"),
            "handler.ts",
            "--bundle",
            "--packages=external",
            "--platform=node",
            "--format=cjs",
            "--outfile=handler.bundle.cjs",
            "--log-level=warning",
        ],
        cwd=project,
        check=True,
    )


def peer_seconds(project: Path, mode: str, steps: int) -> float:
    done = subprocess.run(
        ["node", "peer.mjs", mode, str(steps)], cwd=project, capture_output=True, text=True, check=True, timeout=600
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if report["status"] != "SUCCEEDED":
        raise RuntimeError(f"peer run did not succeed: {report}")
    return float(report["ms"]) / 1000


def ours_seconds(project: Path, steps: int, repeat: int) -> tuple[float, list[float]]:
    from durable_mcp.engine.local import LocalEngine
    from durable_mcp.runtimes.node import NodeInvoker
    from durable_mcp.runtimes.refs import parse_handler_ref

    ref = parse_handler_ref(f"{project / 'handler.ts'}:handler")
    payload = json.dumps({"steps": steps})
    times: list[float] = []
    with LocalEngine() as engine, NodeInvoker(ref, service=engine.service) as invoker:
        engine.register_function("bench", invoker)
        for _ in range(repeat + 1):  # the first run includes the worker's start-up (cold)
            started = time.perf_counter()
            arn = engine.start(None, payload, function_name="bench")
            elapsed = time.perf_counter() - started
            result = engine.result(arn)
            if result.status != "SUCCEEDED" or result.result != {"total": steps * (steps - 1) // 2}:
                raise RuntimeError(f"our run did not succeed: {result.status} {result.error}")
            times.append(elapsed)
    return times[0], times[1:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from durable_mcp.logs import configure_logging

    configure_logging("WARNING")
    with tempfile.TemporaryDirectory(prefix="bench-js-") as tmp:
        project = Path(tmp)
        prepare(project)
        cold, warm_runs = ours_seconds(project, args.steps, args.repeat)
        warm = statistics.median(warm_runs)
        peer_skip = statistics.median(peer_seconds(project, "skip", args.steps) for _ in range(args.repeat))
        peer_real = statistics.median(peer_seconds(project, "real", args.steps) for _ in range(args.repeat))
    rows = [
        ("durable-mcp engine + endpoint, warm worker", warm),
        ("durable-mcp engine + endpoint, cold (incl. Node start)", cold),
        ("LocalDurableTestRunner skipTime:true", peer_skip),
        ("LocalDurableTestRunner skipTime:false", peer_real),
    ]
    print(f"{args.steps}-step TypeScript handler, median of {args.repeat} (ours cold: 1 run)")
    for label, seconds in rows:
        print(f"  {label:<58} {seconds:8.2f} s")
    print("ratios (peer time / our time; > 1 means durable-mcp is faster):")
    print(f"  vs skipTime:true   warm {peer_skip / warm:6.2f}x   cold {peer_skip / cold:6.2f}x   (target >= 2x)")
    print(f"  vs skipTime:false  warm {peer_real / warm:6.2f}x   cold {peer_real / cold:6.2f}x")
    return 0 if peer_skip / cold >= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
