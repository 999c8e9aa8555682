"""Precision/recall of the replay-rule validator on the labelled corpus, beside replayguard, and throughput.

Usage: python tools/bench_validator.py [--corpus tests/validator/corpus] [--lines 5000] [--repeat 5]

Labels are trailing comments in the corpus (``# expect: DR001`` / ``// expect: DR001, DR009``): a finding
counts as a true positive when its (file, line, rule) is labelled. replayguard (PyPI 0.2.1) is the peer; it
is only needed for its columns (``pip install replayguard==0.2.1``). Its rule ids are mapped to ours where
the meaning matches; RG004 (branch on a nondeterministic value) and RG900 (unresolved region) have no
counterpart and are listed, not scored.
"""

from __future__ import annotations

import argparse
import ast
import gc
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from durable_mcp.validator.api import check_source, resolve_selection  # noqa: E402
from durable_mcp.validator.discover import iter_files, language_for  # noqa: E402

LABEL = re.compile(r"(?:#|//)\s*expect:\s*([A-Z]{2}\d{3}(?:\s*,\s*[A-Z]{2}\d{3})*)")
CLOCK_WORDS = ("time", "date", "clock", "now", "monotonic", "perf_counter", "performance", "hrtime", "uptime")
RG_SUPPORTED = {"DR001", "DR002", "DR003", "DR006", "DR007", "DR010"}
Key = tuple[str, int, str]


def expected_labels(corpus: Path) -> tuple[set[Key], list[Path]]:
    labels: set[Key] = set()
    files: list[Path] = []
    for path in iter_files(corpus):
        text = path.read_text(encoding="utf-8")
        if language_for(path, text) is None:
            continue
        files.append(path)
        for number, line in enumerate(text.splitlines(), start=1):
            match = LABEL.search(line)
            if match:
                for rule in match.group(1).split(","):
                    labels.add((str(path), number, rule.strip()))
    return labels, files


def run_ours(files: list[Path]) -> set[Key]:
    selected = resolve_selection()
    found: set[Key] = set()
    for path in files:
        text = path.read_text(encoding="utf-8")
        language = language_for(path, text)
        assert language is not None
        for f in check_source(text, language, str(path), selected):
            if f.rule != "DU001":
                found.add((f.path, f.line, f.rule))
    return found


def run_replayguard(files: list[Path], labels: set[Key]) -> tuple[set[Key], Counter[str]] | None:
    try:
        from replayguard import cli as rg_cli
    except ImportError:
        return None
    found: set[Key] = set()
    unmapped: Counter[str] = Counter()
    supported = {".py", ".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs"}
    for path in files:
        if path.suffix not in supported:
            continue
        findings, _error = rg_cli._analyse(str(path))
        for f in findings:
            line = f.loc.line
            if f.rule == "RG001":
                rule = "DR001" if any(w in f.message.lower() for w in CLOCK_WORDS) else "DR002"
            elif f.rule == "RG002":
                rule = "DR003"
            elif f.rule == "RG003":
                rule = "DR007" if (str(path), line, "DR007") in labels else "DR006"
            elif f.rule == "RG005":
                rule = "DR010"
            else:
                unmapped[f.rule] += 1
                continue
            found.add((str(path), line, rule))
    return found, unmapped


def score(found: set[Key], labels: set[Key], rule: str | None = None,
          rules: set[str] | None = None) -> tuple[int, int, int]:
    def keep(key: Key) -> bool:
        return (rule is None or key[2] == rule) and (rules is None or key[2] in rules)

    f = {k for k in found if keep(k)}
    e = {k for k in labels if keep(k)}
    return len(f & e), len(f - e), len(e - f)


def ratio(tp: int, fp: int, fn: int) -> tuple[str, str]:
    precision = f"{tp / (tp + fp):.2f}" if tp + fp else "-"
    recall = f"{tp / (tp + fn):.2f}" if tp + fn else "-"
    return precision, recall


# -- throughput -------------------------------------------------------------------------------
PY_BLOCK = '''
def helper_{i}(order):
    return {{"id": order["id"], "n": {i}}}


@durable_execution
def handler_{i}(event, context: DurableContext):
    started = time.time()
    order = context.step(lambda _: helper_{i}(event), name="load-{i}")
    for item in sorted(order.get("items", [])):
        context.step(lambda _: item, name=f"item-{i}-{{item}}")
    context.wait(Duration.from_seconds({i}), name="pause-{i}")
    try:
        result = context.invoke("worker", {{"o": order}}, name="call-{i}")
    except Exception as exc:
        result = str(exc)
    print("done", started)
    return {{"result": result, "total": len(order)}}
'''
PY_HEADER = '''import time
from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration
'''
TS_BLOCK = '''
async function helper{i}(ctx: DurableContext, id: string): Promise<number> {{
  await ctx.step("a-{i}", async () => id.length);
  return {i};
}}

export const handler{i} = withDurableExecution(async (event: Order, context: DurableContext) => {{
  const started = Date.now();
  const order = await context.step("load-{i}", async () => ({{ id: event.id, n: {i} }}));
  for (const item of event.items ?? []) {{
    await context.step(`item-{i}-${{item}}`, async () => item);
  }}
  await context.wait("pause-{i}", {{ seconds: {i} }});
  const total = await helper{i}(context, order.id);
  console.log("done", started, total);
  return {{ order, total }};
}});
'''
TS_HEADER = '''import {{ withDurableExecution, DurableContext }} from "@aws/durable-execution-sdk-js";
interface Order {{ id: string; items?: string[] }}
'''


def generate(language: str, lines: int) -> str:
    header, block = (PY_HEADER, PY_BLOCK) if language == "python" else (TS_HEADER.format(), TS_BLOCK)
    if language == "javascript":
        block = re.sub(r": (DurableContext|string|Order|Promise<number>)", "", block)
        header = 'const { withDurableExecution } = require("@aws/durable-execution-sdk-js");\n'
    parts = [header]
    i = 0
    while sum(p.count("\n") for p in parts) < lines:
        i += 1
        parts.append(block.format(i=i))
    return "".join(parts)


def best_time(fn: Callable[[], object], repeat: int) -> float:
    return best_times([fn], repeat)[0]


def best_times(fns: list[Callable[[], object]], repeat: int) -> list[float]:
    """Best wall time of each function over ``repeat`` rounds, the functions interleaved within a round
    (in turn first) so that every one of them sees the same phases of a noisy machine."""
    best = [float("inf")] * len(fns)
    for round_ in range(repeat):
        for offset in range(len(fns)):
            index = (round_ + offset) % len(fns)
            start = time.perf_counter()
            fns[index]()
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def bare_parse(language: str, source: str) -> Callable[[], object]:
    """The parser alone on ``source``: the floor the validator's speed is compared with."""
    if language == "python":
        return lambda: ast.parse(source)
    from tree_sitter import Language, Parser

    if language == "typescript":
        import tree_sitter_typescript as grammar_ts

        parser = Parser(Language(grammar_ts.language_typescript()))
    else:
        import tree_sitter_javascript as grammar_js

        parser = Parser(Language(grammar_js.language()))
    data = source.encode()
    return lambda: parser.parse(data)


def throughput(lines: int, repeat: int) -> None:
    try:
        from replayguard import cli as rg_cli
    except ImportError:
        rg_cli = None
    selected = resolve_selection()
    print(f"\nThroughput on a generated file (~{lines} lines), best of {repeat} interleaved rounds:")
    print(f"{'language':<12}{'lines':>7}{'validator l/s':>15}{'bare parser l/s':>17}{'ratio':>7}"
          f"{'replayguard l/s':>17}{'vs peer':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for language, suffix in (("python", ".py"), ("typescript", ".ts"), ("javascript", ".js")):
            source = generate(language, lines)
            count = source.count("\n")
            path = Path(tmp) / f"big{suffix}"
            path.write_text(source, encoding="utf-8")
            fns: list[Callable[[], object]] = [
                partial(check_source, source, language, str(path), selected),
                bare_parse(language, source),
            ]
            if rg_cli is not None:
                fns.append(partial(rg_cli._analyse, str(path)))
            ours, bare, *peer = best_times(fns, repeat)
            peer_rate = f"{count / peer[0]:>17,.0f}" if peer else f"{'n/a':>17}"
            versus = f"{peer[0] / ours:>8.2f}x" if peer else f"{'n/a':>9}"
            print(f"{language:<12}{count:>7}{count / ours:>15,.0f}{count / bare:>17,.0f}{bare / ours:>7.2f}"
                  f"{peer_rate}{versus}")
    print("ratio = validator speed / bare parser speed (acceptance: >= 0.5); vs peer = times faster than "
          "replayguard")


def phase_split(lines: int, repeat: int) -> None:
    """Where a TS/JS check spends its time (parse, lowering to the IR, rule engine), and the floor under it.

    A 0.5 ratio leaves the whole post-parse work a budget equal to the parse. The floor columns time what
    any Python lowering must at least do: obtain the syntax nodes of the kinds it handles (here with
    tree-sitter's own C query, the cheapest way to get them as Python objects) and read each one's kind
    once; plus today's rule engine on the finished IR.
    """
    from tree_sitter import Node, Parser, Query, QueryCursor

    from durable_mcp.validator.engine import analyse
    from durable_mcp.validator.frontend_ts import HANDLERS, ScriptLowering, _language, lower_script

    def lower_once(data: bytes, language: str, text: str | None, root: Node) -> object:
        return ScriptLowering(data, language, False, text).lower(root)

    print(f"\nPhase split (ms, best of {repeat}; parse with a fresh Parser; collector paused as in check_source):")
    print(f"{'language':<12}{'parse':>8}{'lower':>8}{'analyse':>9}{'budget':>8}{'nodes':>8}{'floor':>8}")
    for language in ("typescript", "javascript"):
        source = generate(language, lines)
        data = source.encode()
        grammar = _language(language, False)
        parser = Parser(grammar)
        root = parser.parse(data).root_node
        text = source if source.isascii() else None
        module = lower_script(source, "big", language)
        kinds = [kind for kind in sorted(HANDLERS) if grammar.id_for_node_kind(kind, True) is not None]
        query = Query(grammar, "\n".join(f"({kind}) @n" for kind in kinds))

        def touch_nodes(d: bytes = data, p: Parser = parser, q: Query = query) -> int:
            found = QueryCursor(q).captures(p.parse(d).root_node).get("n", [])
            return sum(node.kind_id for node in found)

        gc.disable()  # as check_source does while it analyses a file
        try:
            parse, lower, rules, nodes = best_times([
                partial(parser.parse, data),
                partial(lower_once, data, language, text, root),
                partial(analyse, module, "big"),
                touch_nodes,
            ], repeat)
        finally:
            gc.enable()
        nodes -= parse
        print(f"{language:<12}{parse * 1e3:>8.1f}{lower * 1e3:>8.1f}{rules * 1e3:>9.1f}{parse * 1e3:>8.1f}"
              f"{nodes * 1e3:>8.1f}{(nodes + rules) * 1e3:>8.1f}")
    print("budget = post-parse time a 0.5 ratio allows; nodes = obtaining the handled nodes and reading each "
          "kind once; floor = nodes + analyse, before any lowering logic")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(ROOT / "tests" / "validator" / "corpus"))
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--split", action="store_true", help="also time parse / lowering / rules for TS and JS")
    args = parser.parse_args()
    labels, files = expected_labels(Path(args.corpus))
    ours = run_ours(files)
    peer = run_replayguard(files, labels)
    languages = Counter(language_for(p, p.read_text(encoding="utf-8")) for p in files)
    print(f"Corpus: {len(files)} files ({', '.join(f'{n} {k}' for k, n in sorted(languages.items()))}), "
          f"{len(labels)} labelled findings")
    rules = sorted({k[2] for k in labels} | {k[2] for k in ours})
    print(f"\n{'rule':<7}{'labels':>7}{'ours P':>8}{'ours R':>8}{'rg P':>7}{'rg R':>7}")
    for rule in rules:
        n = sum(1 for k in labels if k[2] == rule)
        p, r = ratio(*score(ours, labels, rule))
        if peer is None:
            rp = rr = "n/a"
        elif rule in RG_SUPPORTED:
            rp, rr = ratio(*score(peer[0], labels, rule))
        else:
            rp, rr = "-", "0.00" if n else "-"
        print(f"{rule:<7}{n:>7}{p:>8}{r:>8}{rp:>7}{rr:>7}")
    tp, fp, fn = score(ours, labels)
    p, r = ratio(tp, fp, fn)
    print(f"\nvalidator overall: precision {p}  recall {r}  (tp {tp}, fp {fp}, fn {fn})")
    if peer is not None:
        tp, fp, fn = score(peer[0], labels)
        p, r = ratio(tp, fp, fn)
        print(f"replayguard overall: precision {p}  recall {r}  (tp {tp}, fp {fp}, fn {fn})")
        tp, fp, fn = score(peer[0], labels, rules=RG_SUPPORTED)
        p, r = ratio(tp, fp, fn)
        tp2, fp2, fn2 = score(ours, labels, rules=RG_SUPPORTED)
        p2, r2 = ratio(tp2, fp2, fn2)
        print(f"on the rules replayguard has a counterpart for ({', '.join(sorted(RG_SUPPORTED))}): "
              f"replayguard P {p} R {r}; validator P {p2} R {r2}")
        if peer[1]:
            print(f"replayguard findings without a counterpart (not scored): {dict(peer[1])}")
        print("replayguard 0.2.1 checks Python/TS/JS/Java/Rust handlers (RG001-RG005, RG900); it has no template, "
              "suppression or test-file rules, so rows without a counterpart count as misses for it.")
    else:
        print("replayguard not installed: pip install replayguard==0.2.1 for the peer columns")
    missing = sorted(k for k in labels - ours)
    extra = sorted(k for k in ours - labels)
    for title, keys in (("missed", missing), ("unexpected", extra)):
        for path, line, rule in keys:
            print(f"  {title}: {Path(path).relative_to(Path(args.corpus))}:{line} {rule}")
    if not args.no_throughput:
        throughput(args.lines, args.repeat)
    if args.split:
        phase_split(args.lines, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
