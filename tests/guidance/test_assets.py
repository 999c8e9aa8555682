"""Reference docs and prompt templates are found in a checkout and in the wheel layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from durable_mcp.errors import UserError
from durable_mcp.guidance import assets
from durable_mcp.guidance.routing import ROUTES

REPO = Path(__file__).resolve().parents[2]


def test_source_checkout_folders_are_found_at_the_repo_root() -> None:
    assert assets.asset_dir("reference") == REPO / "reference"
    assert assets.asset_dir("prompts") == REPO / "prompts"


def test_wheel_layout_wins_over_a_checkout(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "durable_mcp"
    (package / "_data" / "reference").mkdir(parents=True)
    (tmp_path / "site-packages" / "reference").mkdir()
    assert assets.asset_dir("reference", package) == package / "_data" / "reference"


def test_missing_folder_is_a_user_error_naming_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="prompts folder is missing"):
        assets.asset_dir("prompts", tmp_path / "durable_mcp")


def test_every_topic_document_is_listed_with_title_summary_and_uri() -> None:
    docs = {doc.name: doc for doc in assets.list_reference_docs()}
    for name in ROUTES:
        doc = docs[name]
        assert doc.uri == f"durable://reference/{name}"
        assert doc.title and not doc.title.startswith("#")
        assert len(doc.summary) > 60, name


def test_read_reference_accepts_names_and_uris() -> None:
    text = assets.read_reference("step-operations")
    assert text.startswith("# ")
    assert assets.read_reference("durable://reference/step-operations") == text


def test_unknown_reference_lists_the_valid_names() -> None:
    with pytest.raises(UserError) as err:
        assets.read_reference("no-such-doc")
    assert "getting-started" in str(err.value)
    assert "troubleshooting-executions" in str(err.value)


def test_rule_pages_are_read_by_rule_id_when_present() -> None:
    rules = sorted((REPO / "reference" / "rules").glob("DR*.md"))
    if not rules:
        pytest.skip("the validator's rule pages are not written yet")
    first = rules[0].stem
    assert assets.read_reference(f"rules/{first.lower()}") == rules[0].read_text(encoding="utf-8")


def test_title_and_summary_come_from_the_first_heading_and_paragraph() -> None:
    title, summary = assets.parse_title_and_summary("# Waits\n\nFirst line\nsecond line.\n\n## More\ntext\n")
    assert (title, summary) == ("Waits", "First line second line.")


def test_rule_pages_of_every_family_are_listed_and_read_by_bare_id() -> None:
    rules = sorted((REPO / "reference" / "rules").glob("*.md"))
    if not rules:
        pytest.skip("the validator's rule pages are not written yet")
    listed = {doc.name for doc in assets.list_reference_docs()}
    assert {f"rules/{path.stem}" for path in rules} <= listed
    for path in rules:
        assert assets.read_reference(path.stem.lower()) == path.read_text(encoding="utf-8")
