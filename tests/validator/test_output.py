"""The three output formats: text lines, the exact JSON contract, SARIF 2.1.0 that validates."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest

from durable_mcp.validator import validate_paths
from durable_mcp.validator.catalog import RULE_ORDER
from durable_mcp.validator.output import render_json, render_sarif, render_text

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
HANDLER = textwrap.dedent("""
    import uuid
    from aws_durable_execution_sdk_python import durable_execution

    def new_id():
        return str(uuid.uuid4())

    @durable_execution
    def handler(event, context):
        key = new_id()
        try:
            context.invoke("f", {}, name="call")
        except BaseException:
            pass
        return key
""")


@pytest.fixture
def handler_file(tmp_path: Path) -> Path:
    path = tmp_path / "app.py"
    path.write_text(HANDLER, encoding="utf-8")
    return path


def test_text_lines_have_location_severity_rule_and_fix(handler_file: Path) -> None:
    text = render_text(validate_paths([handler_file]))
    first = text.splitlines()[0]
    assert first.startswith(f"{handler_file}:10:11 error DR002 ")
    assert "    fix: " in text and "durable://reference/rules/DR002" in text
    assert "route: handler:10 -> new_id:6" in text


def test_json_has_exactly_the_contract_keys(handler_file: Path) -> None:
    payload = json.loads(render_json(validate_paths([handler_file])))
    assert set(payload) == {"files_checked", "findings"}
    assert payload["files_checked"] == 1
    keys = {"rule", "severity", "path", "line", "column", "end_line", "end_column", "message", "fix"}
    for finding in payload["findings"]:
        assert set(finding) == keys
    fixed = next(f for f in payload["findings"] if f["rule"] == "DR012")
    assert fixed["fix"]["edits"][0]["text"] == "Exception"
    assert next(f for f in payload["findings"] if f["rule"] == "DR002")["fix"] is None


def test_sarif_validates_against_the_2_1_0_schema(handler_file: Path) -> None:
    log = json.loads(render_sarif(validate_paths([handler_file])))
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_sarif_results_carry_rule_index_fixes_code_flows_and_fingerprints(handler_file: Path) -> None:
    run = json.loads(render_sarif(validate_paths([handler_file])))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["partialFingerprints"]["replayRule/v1"]
    assert [r["id"] for r in rules] == list(RULE_ORDER)
    assert len(by_rule["DR002"]["codeFlows"][0]["threadFlows"][0]["locations"]) == 2
    replacement = by_rule["DR012"]["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "Exception"


def test_fingerprints_survive_moving_the_finding_to_another_line(handler_file: Path) -> None:
    def prints() -> set[str]:
        results = json.loads(render_sarif(validate_paths([handler_file])))["runs"][0]["results"]
        return {r["partialFingerprints"]["replayRule/v1"] for r in results}

    before = prints()
    handler_file.write_text("\n\n" + HANDLER, encoding="utf-8")
    assert len(before) == 2
    assert prints() == before


def test_every_rule_has_a_reference_page_named_by_its_uri() -> None:
    pages = Path(__file__).parents[2] / "reference" / "rules"
    for rule in RULE_ORDER:
        page = pages / f"{rule}.md"
        assert page.is_file(), rule
        assert page.read_text(encoding="utf-8").startswith(f"# {rule} ")


def test_library_report_links_each_finding_to_its_rule_resource(handler_file: Path) -> None:
    report = validate_paths([handler_file])
    dumped = report.model_dump()
    assert {f["resource_uri"] for f in dumped["findings"]} == {
        "durable://reference/rules/DR002", "durable://reference/rules/DR012"}
    assert "DR012" in report.summary and report.has_errors
