"""Columns as characters: both parsers count UTF-8 bytes, editors and agents count characters.

Python's ``ast`` (``col_offset``) and tree-sitter (``point.column``) give byte offsets within the line, so
on a line with non-ASCII text before the reported code every column after it would point too far right,
and an edit applied there would land in the wrong place. Findings leave the validator with 1-based
Unicode code point columns (SARIF's ``unicodeCodePoints``), converted here in one place.
"""

from __future__ import annotations

from durable_mcp.validator.models import Edit, Finding, RouteStep


class ColumnMap:
    """Byte columns to character columns for the lines of one source text."""

    def __init__(self, source: str) -> None:
        self._lines = source.split("\n")
        self._encoded: dict[int, bytes] = {}

    def column(self, line: int, byte_column: int) -> int:
        """The 1-based character column of the 1-based byte column ``byte_column`` on 1-based ``line``."""
        if not 1 <= line <= len(self._lines) or byte_column <= 1:
            return byte_column
        text = self._lines[line - 1]
        if text.isascii():
            return byte_column
        encoded = self._encoded.get(line)
        if encoded is None:
            encoded = self._encoded[line] = text.encode("utf-8", errors="surrogatepass")
        return len(encoded[: byte_column - 1].decode("utf-8", errors="replace")) + 1

    def finding(self, finding: Finding) -> Finding:
        update: dict[str, object] = {
            "column": self.column(finding.line, finding.column),
            "end_column": self.column(finding.end_line, finding.end_column),
        }
        if finding.fix is not None:
            edits = [self._edit(edit) for edit in finding.fix.edits]
            update["fix"] = finding.fix.model_copy(update={"edits": edits})
        if finding.route:
            update["route"] = [self._step(step) for step in finding.route]
        return finding.model_copy(update=update)

    def _edit(self, edit: Edit) -> Edit:
        return edit.model_copy(update={"column": self.column(edit.line, edit.column),
                                       "end_column": self.column(edit.end_line, edit.end_column)})

    def _step(self, step: RouteStep) -> RouteStep:
        return step.model_copy(update={"column": self.column(step.line, step.column)})


def in_characters(findings: list[Finding], source: str) -> list[Finding]:
    """``findings`` (byte columns, as the parsers report them) with character columns."""
    if source.isascii():
        return findings
    columns = ColumnMap(source)
    return [columns.finding(finding) for finding in findings]
