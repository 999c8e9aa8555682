"""Write a rendered project to disk, atomically and only inside the allowed roots.

The files are written into a fresh temporary directory beside the target and renamed into place
in one step, so a failure part-way leaves nothing half-written. With ``overwrite`` the existing
directory is first renamed aside and deleted only after the new one is in place; if anything fails
it is renamed back.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import structlog

from durable_mcp.errors import UserError
from durable_mcp.scaffold.models import ProjectPreview, WrittenProject

log = structlog.get_logger()


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def resolve_target(output_dir: str | os.PathLike[str], allowed_roots: Iterable[str | os.PathLike[str]]) -> Path:
    """Resolve ``output_dir`` (symlinks included) and refuse it unless it lies inside an allowed root."""
    roots = [Path(root).expanduser().resolve() for root in allowed_roots]
    if not roots:
        raise UserError("No allowed root to write into: pass the client's roots or a working directory.")
    target = Path(output_dir).expanduser().resolve()
    if target in roots:
        raise UserError(f"Refusing to use the root {target} itself as the project directory; name a subdirectory.")
    if not _inside(target, roots):
        allowed = ", ".join(str(root) for root in roots)
        raise UserError(
            f"Output directory {target} is outside the allowed roots ({allowed}). Choose a path inside them."
        )
    return target


def _check_existing(target: Path, overwrite: bool) -> bool:
    """Return whether ``target`` holds something that will be replaced."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise UserError(f"{target} exists and is not a directory; choose another output directory.")
    if not target.exists():
        return False
    if not any(target.iterdir()):
        return True
    if not overwrite:
        raise UserError(
            f"{target} already exists and is not empty. Choose another directory, or pass overwrite "
            "to replace it (its current content will be deleted)."
        )
    return True


def _materialise(preview: ProjectPreview, staging: Path) -> list[str]:
    written = []
    for item in preview.files:
        path = staging / item.path
        if not path.resolve().is_relative_to(staging.resolve()):
            raise UserError(f"Refusing to write {item.path}: it leaves the project directory.")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(item.content, encoding="utf-8")
        written.append(item.path)
    return written


def write_project(
    preview: ProjectPreview,
    output_dir: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    allowed_roots: Iterable[str | os.PathLike[str]],
) -> WrittenProject:
    """Write ``preview`` to ``output_dir``; see the module docstring for the guarantees."""
    target = resolve_target(output_dir, allowed_roots)
    replaces = _check_existing(target, overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    backup: Path | None = None
    try:
        written = _materialise(preview, staging)
        staging.chmod(0o755)
        if replaces:
            backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            backup.rmdir()
            target.rename(backup)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if backup is not None and backup.exists() and not target.exists():
            backup.rename(target)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
    log.info("scaffold.written", root=str(target), files=len(written), replaced=replaces)
    return WrittenProject(root=str(target), files=written, replaced_existing=replaces, next_steps=preview.next_steps)
