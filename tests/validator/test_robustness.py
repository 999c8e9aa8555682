"""No input crashes the validator: mutated real handlers and random bytes always give a report."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from durable_mcp.validator import validate_paths, validate_source
from durable_mcp.validator.models import ValidationReport

CORPUS = Path(__file__).parent / "corpus"
SAMPLES = {
    "python": sorted((CORPUS / "python").glob("*.py")),
    "typescript": sorted((CORPUS / "typescript").glob("*.ts")),
    "javascript": sorted((CORPUS / "javascript").glob("*.js")),
}
LANGUAGES = st.sampled_from(["python", "typescript", "javascript"])


@st.composite
def mutated_handler(draw: st.DrawFn) -> tuple[str, str]:
    language = draw(LANGUAGES)
    text = draw(st.sampled_from(SAMPLES[language])).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        start = draw(st.integers(min_value=0, max_value=len(text)))
        end = draw(st.integers(min_value=start, max_value=min(len(text), start + 40)))
        insert = draw(st.sampled_from(["", "(", ")", "{", "}", ":", "await ", "context.", "\n    ", "lambda", "`",
                                       "\"", "# durable: ignore[DR001]", "// durable-ignore DR002"]))
        text = text[:start] + insert + text[end:]
    return language, text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_handler())
def test_mutated_handlers_never_crash(sample: tuple[str, str]) -> None:
    language, text = sample
    report = validate_source(text, language)
    assert isinstance(report, ValidationReport)
    assert all(f.line >= 1 and f.column >= 1 for f in report.findings)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["python", "typescript", "javascript", "cloudformation"]))
def test_random_bytes_never_crash(data: bytes, language: str) -> None:
    report = validate_source(data.decode("utf-8", errors="replace"), language)
    assert isinstance(report, ValidationReport)


def test_a_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "a_broken.py").write_bytes(b"def (\x00\xff")
    (tmp_path / "b_ok.py").write_text(
        "from aws_durable_execution_sdk_python import durable_execution\nimport time\n"
        "@durable_execution\ndef handler(event, context):\n    return time.time()\n")
    report = validate_paths([tmp_path])
    assert report.files_checked == 2
    assert [(Path(f.path).name, f.rule) for f in report.findings] == [("a_broken.py", "DR000"), ("b_ok.py", "DR001")]


def test_the_collector_state_is_restored_after_each_file() -> None:
    import gc

    validate_source("x = 1\n", "python")
    assert gc.isenabled()
    gc.disable()
    try:
        validate_source("x = 1\n", "python")
        assert not gc.isenabled()
    finally:
        gc.enable()
