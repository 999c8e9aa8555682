"""Each matching rule of the conformance suite, shown accepting and rejecting."""

import re

import pytest

from tests.conformance.matcher import (
    Matcher,
    generate_variables,
    match_logs,
    parse_log_records,
    substitute,
)


def test_gen_str_variables_are_random_lowercase_alnum_of_the_given_length() -> None:
    values = generate_variables({"A": "${GEN_STR:8}", "B": "${GEN_STR:8}", "LIT": "plain"})
    assert re.fullmatch(r"[a-z0-9]{8}", values["A"])
    assert values["A"] != values["B"]
    assert values["LIT"] == "plain"


def test_substitute_replaces_bound_names_inside_strings_and_keeps_unbound_ones() -> None:
    value = {"Result": "Hello, ${NAME}!", "Id": "${ID1}", "List": ["${NAME}"], "Num": "${N}"}
    assert substitute(value, {"NAME": "ada", "N": 3}) == {
        "Result": "Hello, ada!",
        "Id": "${ID1}",
        "List": ["ada"],
        "Num": 3,
    }


def test_wildcard_accepts_any_value_but_requires_the_key() -> None:
    matcher = Matcher()
    assert matcher.matches({"EventTimestamp": "*"}, {"EventTimestamp": 12})
    assert not matcher.matches({"EventTimestamp": "*"}, {"Other": 1})


def test_empty_mapping_means_key_exists_with_any_value() -> None:
    matcher = Matcher()
    assert matcher.matches({"Details": {}}, {"Details": {"Anything": [1, 2]}})
    assert not matcher.matches({"Details": {}}, {})
    assert "Details: key missing" in matcher.errors[-1]


def test_placeholder_binds_on_first_sight_and_must_repeat() -> None:
    matcher = Matcher()
    assert matcher.matches([{"Id": "${ID1}"}, {"Id": "${ID1}"}], [{"Id": "abc"}, {"Id": "abc"}])
    assert matcher.bindings["ID1"] == "abc"
    assert not Matcher().matches([{"Id": "${ID1}"}, {"Id": "${ID1}"}], [{"Id": "abc"}, {"Id": "xyz"}])


def test_bound_variables_are_substituted_into_literals() -> None:
    matcher = Matcher(bindings={"INPUT": "q1w2"})
    assert matcher.matches("Hello, ${INPUT}!", "Hello, q1w2!")
    assert not matcher.matches("Hello, ${INPUT}!", "Hello, other!")


def test_regex_searches_the_text_of_the_actual_value() -> None:
    matcher = Matcher()
    assert matcher.matches("${/.*TransientError$/}", "my.module.TransientError")
    assert matcher.matches("${/^[0-5]$/}", 4)
    assert not matcher.matches("${/^[0-5]$/}", 7)


def test_lists_must_have_equal_length() -> None:
    matcher = Matcher()
    assert matcher.matches(["a", "*"], ["a", "b"])
    assert not matcher.matches(["a"], ["a", "b"])
    assert not matcher.matches(["a", "b"], ["a", "c"])


def test_mappings_compare_only_expected_keys() -> None:
    matcher = Matcher()
    assert matcher.matches({"A": 1}, {"A": 1, "B": 2})
    assert not matcher.matches({"A": 1}, {"A": 2})
    assert not matcher.matches({"A": True}, {"A": 1})


def test_history_pairs_events_by_event_id_and_ignores_extra_actual_events() -> None:
    actual = [
        {"EventId": 1, "EventType": "ExecutionStarted"},
        {"EventId": 2, "EventType": "StepStarted", "Id": "s1"},
        {"EventId": 3, "EventType": "StepSucceeded", "Id": "s1"},
        {"EventId": 4, "EventType": "ExecutionSucceeded"},
    ]
    expected = [
        {"EventId": 3, "EventType": "StepSucceeded", "Id": "${ID}"},
        {"EventId": 2, "EventType": "StepStarted", "Id": "${ID}"},
    ]
    assert Matcher().match_history(expected, actual)
    shifted = [{"EventId": 2, "EventType": "StepSucceeded"}]
    assert not Matcher().match_history(shifted, actual)
    missing = Matcher()
    assert not missing.match_history([{"EventId": 9, "EventType": "StepStarted"}], actual)
    assert "EventId 9" in missing.errors[0]


@pytest.fixture
def records() -> list[dict[str, object]]:
    return parse_log_records(
        [
            '{"plugin": "P", "hook": "invocation-start", "first": true}',
            "[INFO] Greeting step running for: abc",
            '{"plugin": "P", "hook": "invocation-end", "status": "SUCCEEDED"}',
        ]
    )


def test_log_counts_use_regex_messages_and_literal_fields(records: list[dict[str, object]]) -> None:
    ok = [
        {"match": {"message": "/running for: ${IN}/"}, "count": 1},
        {"match": {"plugin": "P", "hook": "invocation-start", "first": False}, "count": 0},
        {"match": {"message": "/\\[ERROR\\]/"}, "count": 0},
    ]
    assert match_logs(ok, records, {"IN": "abc"}) == []
    assert match_logs([{"match": {"message": "/running for: zzz/"}, "count": 1}], records, {}) != []


def test_log_cardinality_defaults_to_at_least_one_and_honours_bounds(records: list[dict[str, object]]) -> None:
    assert match_logs([{"match": {"plugin": "P"}}], records, {}) == []
    assert match_logs([{"match": {"plugin": "Q"}}], records, {}) != []
    assert match_logs([{"match": {"plugin": "P"}, "max_count": 1}], records, {}) != []
    assert match_logs([{"match": {"plugin": "P"}, "min_count": 2, "max_count": 2}], records, {}) == []


def test_log_order_constraints(records: list[dict[str, object]]) -> None:
    in_order = {"match": {"hook": "invocation-end"}, "count": 1, "after": [{"hook": "invocation-start"}]}
    assert match_logs([in_order], records, {}) == []
    reversed_order = {
        "match": {"hook": "invocation-start"},
        "count": 1,
        "after": [{"hook": "invocation-end"}],
    }
    assert match_logs([reversed_order], records, {}) != []
    before = {"match": {"hook": "invocation-start"}, "count": 1, "before": {"hook": "invocation-end"}}
    assert match_logs([before], records, {}) == []
    unanchored = {"match": {"hook": "invocation-start"}, "count": 1, "after": [{"hook": "missing"}]}
    assert "matches no record" in match_logs([unanchored], records, {})[0]
