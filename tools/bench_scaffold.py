"""Time project generation (template rendering only, no file writes) for every combination.

Prints the median time per language x IaC x pattern and the worst median against the 100 ms budget.
The peer measured in the same run is writing the same preview to disk with ``write_project``, so the
ratio shows how rendering compares with the I/O that follows it.

    python tools/bench_scaffold.py [--repeat N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from itertools import product
from pathlib import Path

from durable_mcp.logs import configure_logging
from durable_mcp.scaffold import PATTERNS, ProjectSpec, render_project, write_project

BUDGET_MS = 100.0


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20, help="renders per combination (default 20)")
    args = parser.parse_args()
    configure_logging("WARNING")

    start = time.perf_counter()
    render_project(ProjectSpec(name="warm-up"))
    first_ms = (time.perf_counter() - start) * 1000

    print(f"first render (template loading and compilation included): {first_ms:.1f} ms")
    print(f"{'language':<11} {'iac':<15} {'pattern':<15} {'render ms':>10} {'write ms':>9} {'write/render':>13}")
    worst = 0.0
    scratch = Path(tempfile.mkdtemp(prefix="bench-scaffold-"))
    try:
        for n, (language, iac, pattern) in enumerate(product(("typescript", "javascript", "python"),
                                                             ("cdk", "sam", "cloudformation"), PATTERNS)):
            spec = ProjectSpec(name="bench-project", language=language, iac=iac, pattern=pattern)
            renders, writes = [], []
            for i in range(args.repeat):
                t0 = time.perf_counter()
                preview = render_project(spec)
                t1 = time.perf_counter()
                write_project(preview, scratch / f"p{n}-{i}", allowed_roots=[scratch])
                t2 = time.perf_counter()
                renders.append(t1 - t0)
                writes.append(t2 - t1)
            render, write = median_ms(renders), median_ms(writes)
            worst = max(worst, render)
            print(f"{language:<11} {iac:<15} {pattern:<15} {render:>10.2f} {write:>9.2f} {write / render:>12.1f}x")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    verdict = "within" if worst < BUDGET_MS else "OVER"
    print(f"worst median render: {worst:.2f} ms ({verdict} the {BUDGET_MS:.0f} ms budget)")
    return 0 if worst < BUDGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
