"""MCP prompts: specs for registration in a loop, and rendering from the jinja2 templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from durable_mcp.errors import UnsupportedFrameworkError, UnsupportedLanguageError, UserError
from durable_mcp.guidance.prompts import PROMPTS, render_prompt

TOOLS = {
    "get_durable_guidance", "scaffold_durable_function", "validate_durable_code",
    "run_durable_function_locally", "check_replay_determinism", "send_durable_callback",
    "deploy_durable_function", "invoke_durable_function", "list_durable_executions",
    "get_durable_execution", "get_durable_execution_history", "diagnose_durable_execution",
    "get_durable_execution_logs", "stop_durable_execution", "check_durable_prerequisites",
}
ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders:3/durable-execution/order-42/0f1e2d3c"
SAMPLE_ARGS = {
    "build_durable_workflow": {"description": "Process an order"},
    "review_durable_code": {"code_or_path": "src/handler.ts"},
    "troubleshoot_execution": {"execution_arn": ARN, "symptom": "stuck for an hour"},
}


def test_prompt_specs_name_the_three_prompts_with_their_arguments() -> None:
    specs = {spec.name: spec for spec in PROMPTS}
    assert set(specs) == set(SAMPLE_ARGS)
    assert [a.name for a in specs["build_durable_workflow"].arguments] == ["description", "language", "iac"]
    assert [a.name for a in specs["build_durable_workflow"].arguments if a.required] == ["description"]
    assert all(spec.description for spec in PROMPTS)


@pytest.mark.parametrize("name", sorted(SAMPLE_ARGS))
def test_prompts_only_name_tools_the_server_has(name: str) -> None:
    text = render_prompt(name, SAMPLE_ARGS[name])
    named = set(re.findall(r"`([a-z]+(?:_[a-z]+)+)`", text))
    assert named, "a prompt should steer the agent to tools"
    assert named <= TOOLS


def test_build_defaults_to_typescript_and_cdk() -> None:
    text = render_prompt("build_durable_workflow", {"description": "Send a welcome e-mail after a day"})
    assert "Language: **TypeScript**" in text
    assert "Infrastructure as code: **AWS CDK**" in text
    assert "language `typescript` and IaC `cdk`" in text
    assert "Send a welcome e-mail after a day" in text


@pytest.mark.parametrize(
    ("description", "language", "iac"),
    [
        ("Order saga, use Python", "Python", "AWS CDK"),
        ("Approval flow. Use JavaScript and use SAM.", "JavaScript", "AWS SAM"),
        ("ETL job; use CloudFormation", "TypeScript", "CloudFormation"),
    ],
)
def test_words_in_the_description_switch_language_and_iac(description: str, language: str, iac: str) -> None:
    text = render_prompt("build_durable_workflow", {"description": description})
    assert f"Language: **{language}**" in text
    assert f"Infrastructure as code: **{iac}**" in text


def test_explicit_arguments_beat_the_description() -> None:
    text = render_prompt(
        "build_durable_workflow", {"description": "use Python", "language": "ts", "iac": "cfn"}
    )
    assert "Language: **TypeScript**" in text
    assert "**CloudFormation**" in text


def test_unsupported_language_or_iac_gets_the_standard_refusal() -> None:
    with pytest.raises(UnsupportedLanguageError, match=r"(?i)not yet available for java"):
        render_prompt("build_durable_workflow", {"description": "Billing, use Java"})
    with pytest.raises(UnsupportedFrameworkError, match="terraform"):
        render_prompt("build_durable_workflow", {"description": "x", "iac": "terraform"})


def test_review_takes_a_path_or_inline_code() -> None:
    by_path = render_prompt("review_durable_code", {"code_or_path": "src/handler.py"})
    assert "`src/handler.py`" in by_path
    code = "export const handler = withDurableExecution(async (e, ctx) => Math.random());"
    inline = render_prompt("review_durable_code", {"code_or_path": code})
    assert code in inline
    assert "<code_to_review>" in inline


def test_troubleshoot_is_read_only_and_needs_an_execution_arn() -> None:
    text = render_prompt("troubleshoot_execution", {"execution_arn": ARN})
    assert ARN in text
    assert "read-only" in text
    assert "Symptom reported by the user: not described" in text
    with pytest.raises(UserError, match="not a durable execution ARN"):
        render_prompt("troubleshoot_execution", {"execution_arn": "arn:aws:lambda:us-east-1:1:function:f"})


def test_bad_calls_are_user_errors() -> None:
    with pytest.raises(UserError, match="Valid prompts"):
        render_prompt("nope", {})
    with pytest.raises(UserError, match="description"):
        render_prompt("build_durable_workflow", {"description": "  "})
    with pytest.raises(UserError, match="does not take"):
        render_prompt("review_durable_code", {"code_or_path": "a.py", "colour": "red"})


def test_every_prompt_has_a_template_file() -> None:
    folder = Path(__file__).resolve().parents[2] / "prompts"
    assert {p.name.removesuffix(".md.j2") for p in folder.glob("*.md.j2")} == set(SAMPLE_ARGS)


@pytest.mark.parametrize(
    ("value", "is_path"),
    [
        ("src/handler.ts", True),
        ("my project/handler.py", True),
        ("services/orders", True),
        ("handler.mjs", True),
        ("const ratio = a / b;", False),
        ("def handler(event, context):\n    return 1", False),
    ],
)
def test_review_tells_paths_from_code(value: str, is_path: bool) -> None:
    text = render_prompt("review_durable_code", {"code_or_path": value})
    assert ("<code_to_review>" not in text) is is_path
