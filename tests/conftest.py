"""Session-wide hooks: the conformance tally, printed at the end of any run that collected requirement cases
(here, at the root, so the xdist controller loads it whatever paths the run was given)."""

from __future__ import annotations

from typing import Any

_CASE_MARKER = "test_conformance.py::test_requirement["


def pytest_terminal_summary(terminalreporter: Any) -> None:
    def count(outcome: str) -> int:
        return sum(1 for report in terminalreporter.stats.get(outcome, []) if _CASE_MARKER in report.nodeid)

    passed, gaps, failed = count("passed"), count("xfailed"), count("failed")
    if passed or gaps or failed:
        terminalreporter.write_line(
            f"conformance: {passed} passed, {gaps} with written reasons" + (f", {failed} failing" if failed else "")
        )
