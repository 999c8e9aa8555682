"""Python behaviour that the corpus alone does not pin down: scoping, helpers, fixes, selection."""

from __future__ import annotations

import textwrap

from durable_mcp.validator import validate_source


def check(code: str, **kwargs: object) -> list[tuple[int, str]]:
    report = validate_source(textwrap.dedent(code), "python", **kwargs)  # type: ignore[arg-type]
    return [(f.line, f.rule) for f in report.findings]


HEADER = "from aws_durable_execution_sdk_python import durable_execution\nimport time, os\n"


def test_clock_in_a_plain_lambda_handler_is_not_reported() -> None:
    assert check(HEADER + "def handler(event, context):\n    return time.time()\n") == []


def test_clock_in_the_durable_handler_is_reported_once_per_line() -> None:
    code = HEADER + "@durable_execution\ndef handler(event, context):\n    a, b = time.time(), time.time()\n"
    assert check(code) == [(5, "DR001")]


def test_helper_effects_are_reported_at_the_call_site_with_the_route() -> None:
    code = HEADER + textwrap.dedent("""
        def stamp():
            return time.time()

        @durable_execution
        def handler(event, context):
            return stamp()
    """)
    report = validate_source(code, "python")
    (finding,) = report.findings
    assert (finding.rule, finding.line) == ("DR001", 9)
    assert [step.function for step in finding.route] == ["handler", "stamp"]
    assert "stamp()" in finding.message


def test_helper_used_only_inside_a_step_is_silent() -> None:
    code = HEADER + textwrap.dedent("""
        def stamp(_):
            return time.time()

        @durable_execution
        def handler(event, context):
            return context.step(stamp, name="stamp")
    """)
    assert check(code) == []


def test_environment_rule_is_off_by_default_and_can_be_selected() -> None:
    code = HEADER + ("@durable_execution\ndef handler(event, context):\n"
                     "    return os.getenv('FLAG'), os.environ['AWS_REGION']\n")
    assert check(code) == []
    assert check(code, select=["DR017"]) == [(5, "DR017")]


def test_ignore_removes_a_rule() -> None:
    code = HEADER + "@durable_execution\ndef handler(event, context):\n    print(time.time())\n"
    assert sorted(check(code)) == [(5, "DR001"), (5, "DR008")]
    assert check(code, ignore=["DR008"]) == [(5, "DR001")]


def test_suppression_comment_silences_and_unused_ones_are_reported() -> None:
    code = HEADER + textwrap.dedent("""
        @durable_execution
        def handler(event, context):
            a = time.time()  # durable: ignore[DR001]
            b = 1  # durable: ignore[DR002]
            return a, b
    """)
    assert check(code) == [(7, "DU001")]


def test_except_base_exception_has_a_safe_autofix() -> None:
    code = HEADER + textwrap.dedent("""
        @durable_execution
        def handler(event, context):
            try:
                context.invoke("f", {}, name="call")
            except:
                pass
    """)
    (finding,) = validate_source(code, "python").findings
    assert finding.rule == "DR012" and finding.fix is not None
    assert finding.fix.applicability == "safe"
    assert finding.fix.edits[0].text == "except Exception"


def test_set_iteration_fix_wraps_the_iterable_in_sorted() -> None:
    code = HEADER + textwrap.dedent("""
        @durable_execution
        def handler(event, context):
            for user in set(event["users"]):
                context.step(lambda _: user, name=f"u-{user}")
    """)
    (finding,) = validate_source(code, "python").findings
    assert finding.rule == "DR014" and finding.fix is not None
    assert finding.fix.edits[0].text == 'sorted(set(event["users"]))'


def test_print_gets_the_replay_aware_logger_fix() -> None:
    code = HEADER + "@durable_execution\ndef handler(event, ctx):\n    print('hi')\n"
    (finding,) = validate_source(code, "python").findings
    assert finding.fix is not None and finding.fix.edits[0].text == "ctx.logger.info"


def test_context_passed_into_a_durable_step_is_an_operation_inside_a_step() -> None:
    code = textwrap.dedent("""
        from aws_durable_execution_sdk_python import durable_execution, durable_step

        @durable_step
        def process(step_ctx, ctx, item):
            return ctx.step(lambda _: item, name="nested")

        @durable_execution
        def handler(event, context):
            return context.step(process(context, event["item"]))
    """)
    assert check(code) == [(6, "DR004")]


def test_durable_context_annotation_makes_a_replay_region() -> None:
    code = textwrap.dedent("""
        import random
        from aws_durable_execution_sdk_python import DurableContext

        def workflow(ctx: DurableContext) -> float:
            return random.random()
    """)
    assert check(code) == [(6, "DR002")]


def test_syntax_error_is_one_dr000_with_its_location() -> None:
    report = validate_source("def broken(:\n    pass\n", "python")
    assert [(f.line, f.rule) for f in report.findings] == [(1, "DR000")]


def test_suppression_marker_inside_a_string_is_not_a_suppression() -> None:
    code = HEADER + 'DOC = "write # durable: ignore[DR001] on the line"\n'
    assert check(code) == []


def test_global_assigned_in_a_decorated_step_is_a_captured_reassignment() -> None:
    code = textwrap.dedent("""
        from aws_durable_execution_sdk_python import durable_execution, durable_step
        COUNT = 0

        @durable_step
        def bump(step_ctx):
            global COUNT
            COUNT += 1
            return COUNT

        @durable_execution
        def handler(event, context):
            return context.step(bump())
    """)
    assert check(code) == [(8, "DR006")]
