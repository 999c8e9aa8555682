"""tools/fetch_conformance.py: what it takes out of the published wheel, and what it refuses."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "fetch_conformance.py"


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fetch_conformance", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _wheel(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def test_only_requirement_yamls_and_licence_files_are_extracted(tool: ModuleType, tmp_path: Path) -> None:
    wheel = _wheel(
        tmp_path / "pkg.whl",
        {
            "aws_durable_execution_conformance_tests/test_requirements/step/1-1.yaml": "Input: World\n",
            "aws_durable_execution_conformance_tests/test_requirements/map/9-1.yaml": "Input: []\n",
            "aws_durable_execution_conformance_tests/LICENSE": "licence text",
            "aws_durable_execution_conformance_tests/NOTICE": "notice text",
            "aws_durable_execution_conformance_tests/validate.py": "code",
        },
    )
    destination = tmp_path / "conformance"
    assert tool.extract_requirements(wheel, destination) == 2
    extracted = sorted(str(p.relative_to(destination)) for p in destination.rglob("*") if p.is_file())
    assert extracted == ["LICENSE", "NOTICE", "test_requirements/map/9-1.yaml", "test_requirements/step/1-1.yaml"]


def test_a_wheel_without_requirements_is_an_error(tool: ModuleType, tmp_path: Path) -> None:
    wheel = _wheel(tmp_path / "pkg.whl", {"aws_durable_execution_conformance_tests/validate.py": "code"})
    with pytest.raises(tool.FetchError, match="holds no"):
        tool.extract_requirements(wheel, tmp_path / "out")


def test_paths_escaping_the_destination_are_refused(tool: ModuleType, tmp_path: Path) -> None:
    wheel = _wheel(
        tmp_path / "pkg.whl",
        {"aws_durable_execution_conformance_tests/test_requirements/../../evil.yaml": "x"},
    )
    with pytest.raises(tool.FetchError, match="refusing"):
        tool.extract_requirements(wheel, tmp_path / "out")
    assert not (tmp_path / "evil.yaml").exists()


def test_existing_requirements_are_kept_without_force(tool: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "test_requirements" / "step").mkdir(parents=True)
    (tmp_path / "test_requirements" / "step" / "1-1.yaml").write_text("kept")
    assert tool.main(["--dest", str(tmp_path)]) == 1
    assert (tmp_path / "test_requirements" / "step" / "1-1.yaml").read_text() == "kept"
