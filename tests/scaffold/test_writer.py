"""Writing projects: allowed roots, existing directories, overwrite, and all-or-nothing writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from durable_mcp.errors import UserError
from durable_mcp.scaffold import ProjectFile, ProjectPreview, ProjectSpec, render_project, write_project
from durable_mcp.scaffold.writer import resolve_target


@pytest.fixture
def project() -> ProjectPreview:
    return render_project(ProjectSpec(name="order-flow", language="python", iac="sam", pattern="basic"))


def tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def siblings(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir())


def test_writes_every_file_into_a_new_directory(project: ProjectPreview, tmp_path: Path) -> None:
    written = write_project(project, tmp_path / "app", allowed_roots=[tmp_path])

    assert Path(written.root) == (tmp_path / "app").resolve()
    assert tree(tmp_path / "app") == {f.path: f.content for f in project.files}
    assert written.replaced_existing is False
    assert siblings(tmp_path) == ["app"]  # no staging directory left behind


def test_refuses_a_path_outside_the_allowed_roots(project: ProjectPreview, tmp_path: Path) -> None:
    root = tmp_path / "workspace"
    root.mkdir()
    with pytest.raises(UserError, match="outside the allowed roots"):
        write_project(project, tmp_path / "elsewhere", allowed_roots=[root])
    with pytest.raises(UserError, match="outside the allowed roots"):
        write_project(project, root / ".." / "escape", allowed_roots=[root])
    assert siblings(tmp_path) == ["workspace"]


def test_refuses_a_symlink_that_leads_outside_the_roots(project: ProjectPreview, tmp_path: Path) -> None:
    root, outside = tmp_path / "workspace", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "link").symlink_to(outside, target_is_directory=True)

    with pytest.raises(UserError, match="outside the allowed roots"):
        write_project(project, root / "link" / "app", allowed_roots=[root])
    assert list(outside.iterdir()) == []


def test_refuses_the_root_itself(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="subdirectory"):
        resolve_target(tmp_path, [tmp_path])


def test_needs_at_least_one_root(project: ProjectPreview, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="No allowed root"):
        write_project(project, tmp_path / "app", allowed_roots=[])


def test_never_touches_a_non_empty_directory_without_overwrite(project: ProjectPreview, tmp_path: Path) -> None:
    target = tmp_path / "app"
    target.mkdir()
    (target / "notes.txt").write_text("mine")

    with pytest.raises(UserError, match="overwrite"):
        write_project(project, target, allowed_roots=[tmp_path])
    assert tree(target) == {"notes.txt": "mine"}
    assert siblings(tmp_path) == ["app"]


def test_an_empty_directory_is_used_as_is(project: ProjectPreview, tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    write_project(project, tmp_path / "app", allowed_roots=[tmp_path])
    assert "README.md" in tree(tmp_path / "app")


def test_refuses_a_file_in_place_of_the_directory(project: ProjectPreview, tmp_path: Path) -> None:
    (tmp_path / "app").write_text("not a directory")
    with pytest.raises(UserError, match="not a directory"):
        write_project(project, tmp_path / "app", overwrite=True, allowed_roots=[tmp_path])


def test_overwrite_replaces_the_old_content_completely(project: ProjectPreview, tmp_path: Path) -> None:
    target = tmp_path / "app"
    target.mkdir()
    (target / "stale.txt").write_text("old")

    written = write_project(project, target, overwrite=True, allowed_roots=[tmp_path])

    assert written.replaced_existing is True
    assert tree(target) == {f.path: f.content for f in project.files}
    assert siblings(tmp_path) == ["app"]  # the old copy is removed after the swap


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    spec = ProjectSpec(name="broken")
    # "src" is written as a file, so "src/index.ts" cannot be created: the write fails midway.
    broken = ProjectPreview(
        spec=spec,
        files=[ProjectFile(path="README.md", content="x"), ProjectFile(path="src", content="x"),
               ProjectFile(path="src/index.ts", content="x")],
        next_steps=[],
    )
    with pytest.raises(OSError):
        write_project(broken, tmp_path / "app", allowed_roots=[tmp_path])
    assert siblings(tmp_path) == []


def test_a_failed_overwrite_keeps_the_old_project(tmp_path: Path) -> None:
    target = tmp_path / "app"
    target.mkdir()
    (target / "keep.txt").write_text("precious")
    broken = ProjectPreview(
        spec=ProjectSpec(name="broken"),
        files=[ProjectFile(path="src", content="x"), ProjectFile(path="src/index.ts", content="x")],
        next_steps=[],
    )
    with pytest.raises(OSError):
        write_project(broken, target, overwrite=True, allowed_roots=[tmp_path])
    assert tree(target) == {"keep.txt": "precious"}
    assert siblings(tmp_path) == ["app"]


@pytest.mark.parametrize("path", ["../escape.txt", "/etc/passwd", "a/../../b", "a\\b", ""])
def test_project_files_cannot_leave_the_project(path: str) -> None:
    with pytest.raises(ValueError, match="relative"):
        ProjectFile(path=path, content="x")
