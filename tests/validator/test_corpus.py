"""The labelled corpus is the measurement: precision and recall are computed from its inline labels."""

from __future__ import annotations

import re
from pathlib import Path

from durable_mcp.validator import validate_paths
from durable_mcp.validator.catalog import RULE_ORDER

LABEL = re.compile(r"(?:#|//)\s*expect:\s*([A-Z]{2}\d{3}(?:\s*,\s*[A-Z]{2}\d{3})*)")


def labels(corpus: Path) -> set[tuple[str, int, str]]:
    found = set()
    for path in sorted(corpus.rglob("*")):
        if path.is_file():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                match = LABEL.search(line)
                if match:
                    found |= {(str(path), number, rule.strip()) for rule in match.group(1).split(",")}
    return found


def test_corpus_meets_precision_and_recall(corpus: Path) -> None:
    expected = labels(corpus)
    report = validate_paths([corpus])
    actual = {(f.path, f.line, f.rule) for f in report.findings}
    true_positives = len(actual & expected)
    precision = true_positives / len(actual)
    recall = true_positives / len(expected)
    assert report.files_checked >= 60
    assert precision >= 0.95, sorted(actual - expected)
    assert recall >= 0.90, sorted(expected - actual)


def test_every_default_rule_is_exercised_by_the_corpus(corpus: Path) -> None:
    exercised = {rule for _, _, rule in labels(corpus)}
    catalog = {r for r in RULE_ORDER if r.startswith("DR") and r != "DR017"}  # DR017 is off by default
    assert catalog <= exercised, sorted(catalog - exercised)


def test_corpus_covers_the_three_languages(corpus: Path) -> None:
    suffixes = {p.suffix for p in corpus.rglob("*") if p.is_file()}
    assert {".py", ".ts", ".js", ".yaml"} <= suffixes
