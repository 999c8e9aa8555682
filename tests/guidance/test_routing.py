"""get_durable_guidance routes a free-text topic to the reference documents that answer it."""

from __future__ import annotations

import pytest

from durable_mcp.guidance import assets
from durable_mcp.guidance.routing import ROUTES, get_durable_guidance, route_topic, select_content, topic_words

# The routing table from the issue: each topic must put this document first.
EXPECTED = [
    ("getting started with a new project", "getting-started"),
    ("project setup", "getting-started"),
    ("ESLint plugin configuration", "getting-started"),
    ("Jest", "getting-started"),
    ("replay", "replay-model-rules"),
    ("determinism", "replay-model-rules"),
    ("NonDeterministicExecutionError on replay", "replay-model-rules"),
    ("steps", "step-operations"),
    ("atomic operations", "step-operations"),
    ("retry", "step-operations"),
    ("wait 5 minutes", "wait-operations"),
    ("delay", "wait-operations"),
    ("waitForCallback", "wait-operations"),
    ("external system approval", "wait-operations"),
    ("polling a job", "wait-operations"),
    ("parallel branches", "concurrent-operations"),
    ("map over items", "concurrent-operations"),
    ("batch", "concurrent-operations"),
    ("concurrency limits", "concurrent-operations"),
    ("error", "error-handling"),
    ("saga", "error-handling"),
    ("compensation", "error-handling"),
    ("timeout", "advanced-error-handling"),
    ("circuit breaker", "advanced-error-handling"),
    ("conditional retry", "advanced-error-handling"),
    ("test", "testing-patterns"),
    ("local test", "testing-patterns"),
    ("test runner", "testing-patterns"),
    ("flaky", "testing-patterns"),
    ("deploy", "deployment-iac"),
    ("CloudFormation", "deployment-iac"),
    ("CDK", "deployment-iac"),
    ("SAM template", "deployment-iac"),
    ("log group", "deployment-iac"),
    ("infrastructure", "deployment-iac"),
    ("GenAI agent", "advanced-patterns"),
    ("completion policy", "advanced-patterns"),
    ("step semantics", "advanced-patterns"),
    ("serialization", "advanced-patterns"),
    ("troubleshooting", "troubleshooting-executions"),
    ("my execution is stuck", "troubleshooting-executions"),
    ("execution id", "troubleshooting-executions"),
    ("history", "troubleshooting-executions"),
]


@pytest.mark.parametrize(("topic", "document"), EXPECTED)
def test_topic_routes_to_its_document_first(topic: str, document: str) -> None:
    assert next(iter(route_topic(topic))) == document


def test_every_document_is_reachable() -> None:
    assert {doc for _, doc in EXPECTED} == set(ROUTES)


def test_a_longer_phrase_hides_the_keywords_inside_it() -> None:
    assert route_topic("conditional retry") == {"advanced-error-handling": ["conditional retry"]}
    assert "step-operations" not in route_topic("step semantics")


def test_topics_can_hit_several_documents_with_reasons() -> None:
    result = get_durable_guidance("saga compensation with parallel steps")
    names = [m.name for m in result.matches]
    assert names[0] == "error-handling"
    assert {"concurrent-operations", "step-operations"} <= set(names)
    first = result.matches[0]
    assert first.uri == "durable://reference/error-handling"
    assert 'topic mentions "saga"' in first.reasons
    assert first.content.startswith("# ")
    assert result.index == []


def test_code_identifiers_are_split_into_words() -> None:
    assert "wait-operations" in route_topic("wait_for_condition")
    assert "replay-model-rules" in route_topic("runInChildContext")


@pytest.mark.parametrize("topic", ["", "   ", "quantum banana", "???"])
def test_unknown_topic_returns_the_index_not_an_error(topic: str) -> None:
    result = get_durable_guidance(topic)
    assert result.matches == []
    assert {doc.name for doc in result.index} >= set(ROUTES)
    assert "index" in result.note


def test_output_stays_within_the_budget_with_the_relevant_sections() -> None:
    result = get_durable_guidance("retry", max_chars=2500)
    (match,) = result.matches
    assert len(match.content) <= 2500
    assert match.truncated
    assert any("retr" in heading.lower() for heading in match.sections)


def test_select_content_keeps_small_documents_whole() -> None:
    doc = "# T\n\nSummary.\n\n## A\nalpha\n\n## B\nbeta\n"
    assert select_content(doc, ["beta"], 1000) == (doc, ["A", "B"], False)


def test_select_content_prefers_sections_about_the_keywords() -> None:
    doc = "# T\n\nSummary.\n\n## A\n" + "alpha " * 50 + "\n\n## B\nbeta beta\n"
    content, sections, truncated = select_content(doc, ["beta"], 60)
    assert truncated
    assert sections == ["B"]
    assert content.startswith("# T") and "beta" in content


def test_every_route_target_is_a_reference_document() -> None:
    names = {doc.name for doc in assets.list_reference_docs()}
    assert set(ROUTES) <= names


def test_sections_about_nothing_in_the_topic_are_left_out() -> None:
    doc = "# T\n\nSummary.\n\n## Alpha\n" + "alpha " * 40 + "\n\n## Beta\nbeta\n\n## Gamma\ngamma callback\n"
    content, sections, _ = select_content(doc, ["beta"], 200, extra_words=["callback"])
    assert sections == ["Beta", "Gamma"]
    assert "## Alpha" not in content


def test_cut_content_never_leaves_a_code_block_open() -> None:
    doc = "# T\n\nSummary.\n\n## Code\n```python\n" + "x = 1\n" * 100 + "```\n\n## Other\ntext\n"
    content, _, truncated = select_content(doc, ["code"], 200)
    assert truncated and len(content) <= 220
    assert content.count("```") % 2 == 0


def test_topic_words_drop_short_and_stop_words() -> None:
    assert topic_words("How do I stop a stuck execution with callbacks?") == [
        "stop", "stuck", "execution", "callbacks"
    ]


def test_the_rest_of_the_topic_steers_section_choice() -> None:
    result = get_durable_guidance("my execution is stuck waiting for a callback")
    troubleshooting = next(m for m in result.matches if m.name == "troubleshooting-executions")
    assert "Common causes and fixes" in troubleshooting.sections


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_a_document_name_routes_to_that_document(name: str) -> None:
    assert next(iter(route_topic(name))) == name
    assert next(iter(route_topic(name.replace("-", " ").title()))) == name


def test_a_validator_rule_id_leads_to_its_rule_page_when_it_exists() -> None:
    rules = [doc.name for doc in assets.list_reference_docs() if doc.name.startswith("rules/")]
    if not rules:
        pytest.skip("the validator's rule pages are not written yet")
    rule_id = rules[0].removeprefix("rules/")
    result = get_durable_guidance(f"what does {rule_id.lower()} mean for my step?")
    assert result.matches[0].name == rules[0]
    assert result.matches[0].uri == f"durable://reference/{rules[0]}"


def test_several_rule_ids_of_any_family_are_routed() -> None:
    names = {doc.name for doc in assets.list_reference_docs()}
    wanted = [n for n in ("rules/DR007", "rules/DT001") if n in names]
    if len(wanted) < 2:
        pytest.skip("the validator's rule pages are not written yet")
    result = get_durable_guidance("validator says dr007 and DT-001, what now?")
    assert [m.name for m in result.matches[:2]] == wanted
