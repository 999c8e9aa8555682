"""Matching rules of the durable-execution conformance suite, implemented for our harness.

Expected values in a requirement YAML may contain:

* ``'*'``            any value, but the key must be present in the actual mapping;
* ``{}``             "don't care" about the value, the key must be present;
* ``${/regex/}``     a regex *search* over ``str(actual)``;
* ``${NAME}``        a placeholder: bound to the actual value on first sight, every later
                     occurrence must equal that same value (``Variables`` are pre-bound);
* lists              equal length, compared element by element;
* mappings           only the expected keys are compared, extra actual keys are ignored;
* anything else      literal equality after substituting bound names inside strings.

Expected history events are paired with actual events by ``EventId``; actual events that no
expected event names are ignored.
"""

from __future__ import annotations

import json
import re
import secrets
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

_WHOLE_PLACEHOLDER = re.compile(r"^\$\{([^/{}][^{}]*)\}$")
_WHOLE_REGEX = re.compile(r"^\$\{/(.+)/\}$", re.DOTALL)
_EMBEDDED_NAME = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_GEN_STR = re.compile(r"^\$\{GEN_STR:(\d+)\}$")
_GEN_ALPHABET = string.ascii_lowercase + string.digits


def generate_variables(spec: Mapping[str, Any] | None) -> dict[str, Any]:
    """Resolve a YAML ``Variables`` block: ``${GEN_STR:N}`` gives N random [a-z0-9], others are literal."""
    values: dict[str, Any] = {}
    for name, raw in (spec or {}).items():
        generated = _GEN_STR.match(raw) if isinstance(raw, str) else None
        if generated:
            values[name] = "".join(secrets.choice(_GEN_ALPHABET) for _ in range(int(generated[1])))
        else:
            values[name] = raw
    return values


def substitute(value: Any, bindings: Mapping[str, Any]) -> Any:
    """Replace bound ``${NAME}`` references in every string of ``value``; unbound ones stay as they are.

    A string that is exactly one reference takes the bound value with its own type, so a variable
    bound to a number stays a number.
    """
    if isinstance(value, str):
        whole = _WHOLE_PLACEHOLDER.match(value)
        if whole and whole[1] in bindings:
            return bindings[whole[1]]
        return _EMBEDDED_NAME.sub(
            lambda m: _as_text(bindings[m[1]]) if m[1] in bindings else m[0],
            value,
        )
    if isinstance(value, list):
        return [substitute(item, bindings) for item in value]
    if isinstance(value, dict):
        return {key: substitute(item, bindings) for key, item in value.items()}
    return value


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@dataclass
class Matcher:
    """Stateful matcher: placeholder bindings persist across calls (history first, then logs)."""

    bindings: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def matches(self, expected: Any, actual: Any, path: str = "$") -> bool:
        """Match one value; on failure, append readable reasons to ``errors`` and return False."""
        before = len(self.errors)
        self._match(expected, actual, path)
        return len(self.errors) == before

    def match_history(
        self, expected_events: Iterable[Mapping[str, Any]], actual_events: Iterable[Mapping[str, Any]]
    ) -> bool:
        by_id = {event.get("EventId"): event for event in actual_events}
        before = len(self.errors)
        for expected in expected_events:
            event_id = expected.get("EventId")
            actual = by_id.get(event_id)
            if actual is None:
                self.errors.append(f"EventId {event_id}: no such event in the actual history")
                continue
            self._match(expected, actual, f"Event[{event_id}]")
        return len(self.errors) == before

    def _match(self, expected: Any, actual: Any, path: str) -> None:
        if expected == "*" or expected == {}:
            return
        if isinstance(expected, str):
            self._match_text(expected, actual, path)
        elif isinstance(expected, dict):
            if not isinstance(actual, dict):
                self.errors.append(f"{path}: expected a mapping, got {actual!r}")
                return
            for key, value in expected.items():
                if key not in actual:
                    self.errors.append(f"{path}.{key}: key missing")
                else:
                    self._match(value, actual[key], f"{path}.{key}")
        elif isinstance(expected, list):
            if not isinstance(actual, list) or len(actual) != len(expected):
                self.errors.append(f"{path}: expected a list of {len(expected)}, got {actual!r}")
                return
            for index, (item, actual_item) in enumerate(zip(expected, actual, strict=True)):
                self._match(item, actual_item, f"{path}[{index}]")
        elif expected != actual or isinstance(expected, bool) != isinstance(actual, bool):
            self.errors.append(f"{path}: expected {expected!r}, got {actual!r}")

    def _match_text(self, expected: str, actual: Any, path: str) -> None:
        regex = _WHOLE_REGEX.match(expected)
        if regex:
            if not re.search(regex[1], actual if isinstance(actual, str) else _as_text(actual)):
                self.errors.append(f"{path}: {actual!r} does not match /{regex[1]}/")
            return
        placeholder = _WHOLE_PLACEHOLDER.match(expected)
        if placeholder:
            name = placeholder[1]
            if name not in self.bindings:
                self.bindings[name] = actual
            elif self.bindings[name] != actual:
                self.errors.append(f"{path}: ${{{name}}} is bound to {self.bindings[name]!r}, got {actual!r}")
            return
        wanted = substitute(expected, self.bindings)
        if wanted != actual:
            self.errors.append(f"{path}: expected {wanted!r}, got {actual!r}")


def parse_log_records(lines: Iterable[str]) -> list[dict[str, Any]]:
    """Turn captured log lines into records: JSON objects as they are, other text as ``{"message": line}``."""
    records: list[dict[str, Any]] = []
    for line in lines:
        text = line.strip()
        parsed: Any = None
        if text.startswith("{"):
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
        records.append(parsed if isinstance(parsed, dict) else {"message": text})
    return records


def _value_matches(expected: Any, actual: Any) -> bool:
    if isinstance(expected, str):
        text = (actual if isinstance(actual, str) else _as_text(actual)).strip()
        if len(expected) > 1 and expected.startswith("/") and expected.endswith("/"):
            return re.search(expected[1:-1], text) is not None
        return text == expected.strip()
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    return bool(expected == actual)


def _matching(pattern: Mapping[str, Any], records: list[dict[str, Any]], bindings: Mapping[str, Any]) -> list[int]:
    wanted = substitute(dict(pattern), bindings)
    return [
        index
        for index, record in enumerate(records)
        if all(key in record and _value_matches(value, record[key]) for key, value in wanted.items())
    ]


def _count_problem(expectation: Mapping[str, Any], found: int) -> str | None:
    if "count" in expectation:
        return None if found == expectation["count"] else f"{found} matching records, expected {expectation['count']}"
    low = expectation.get("min_count", 1 if "max_count" not in expectation else None)
    high = expectation.get("max_count")
    if low is not None and found < low:
        return f"{found} matching records, expected at least {low}"
    if high is not None and found > high:
        return f"{found} matching records, expected at most {high}"
    return None


def match_logs(
    expectations: Iterable[Mapping[str, Any]], records: list[dict[str, Any]], bindings: Mapping[str, Any]
) -> list[str]:
    """Check ``ExpectedLogs`` entries against captured records (in emission order); return the failures.

    Each entry has ``match`` (field -> literal, or ``/regex/`` searched in the text of the field) and a
    cardinality: ``count`` (exact), or ``min_count`` / ``max_count``, at least one match by default.
    ``after`` / ``before`` anchors (a pattern or a list of them) must each match some record, and every
    counted record must come at or after every record of an ``after`` anchor (at or before every
    record of a ``before`` anchor).
    """
    failures: list[str] = []
    for expectation in expectations:
        pattern = expectation["match"]
        hits = _matching(pattern, records, bindings)
        problem = _count_problem(expectation, len(hits))
        if problem:
            failures.append(f"log {pattern!r}: {problem}")
        for relation in ("after", "before"):
            anchors = expectation.get(relation) or []
            for anchor in [anchors] if isinstance(anchors, dict) else anchors:
                anchor_hits = _matching(anchor, records, bindings)
                if not anchor_hits:
                    failures.append(f"log {pattern!r}: {relation} anchor {anchor!r} matches no record")
                elif hits and (min(hits) < max(anchor_hits) if relation == "after" else max(hits) > min(anchor_hits)):
                    failures.append(f"log {pattern!r}: not {relation} every record matching {anchor!r}")
    return failures
