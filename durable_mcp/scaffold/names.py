"""Turn a free-form project name into the identifiers each ecosystem accepts.

One name feeds an npm package (kebab-case), a Python package (snake_case), CloudFormation stack and
logical ids and class names (PascalCase). Names are checked before anything is rendered, so a name
that could escape a path, break a template or shadow a standard module never reaches the writer.
"""

from __future__ import annotations

import keyword
import re
import sys

from pydantic import BaseModel, ConfigDict

from durable_mcp.errors import UserError

_ALLOWED = re.compile(r"^[A-Za-z][A-Za-z0-9 _.-]*$")
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9]|$|[^A-Za-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+")
MAX_LENGTH = 40
# Appended to a Python package name that would shadow a keyword, the standard library or the SDK.
PYTHON_SUFFIX = "_fn"
_RESERVED_PY = frozenset({"aws_durable_execution_sdk_python", "tests", "test", "conftest", "infra", "src"})


class ProjectNames(BaseModel):
    """Every identifier a generated project uses, derived from one user-given name."""

    model_config = ConfigDict(frozen=True)

    original: str
    kebab: str  # npm package, function description, README title
    snake: str  # Python package
    pascal: str  # class names, CloudFormation logical ids
    camel: str  # JavaScript identifiers
    stack: str  # CloudFormation / CDK stack name
    title: str  # human-readable heading


def derive_names(name: str) -> ProjectNames:
    """Validate ``name`` and derive the identifiers; raise :class:`UserError` when it cannot be used."""
    raw = name.strip()
    if not raw:
        raise UserError("Project name is empty. Use letters, digits, '-' or '_', starting with a letter.")
    if len(raw) > MAX_LENGTH:
        raise UserError(f"Project name is {len(raw)} characters long; use at most {MAX_LENGTH}.")
    if not _ALLOWED.match(raw):
        raise UserError(
            f"Project name {raw!r} has characters that cannot be used in package and stack names. "
            "Use letters, digits, spaces, '-', '_' or '.', starting with a letter (e.g. 'order-workflow')."
        )
    words = [w.lower() for w in _WORD.findall(raw)]
    kebab = "-".join(words)
    snake = "_".join(words)
    if keyword.iskeyword(snake) or snake in sys.stdlib_module_names or snake in _RESERVED_PY:
        snake += PYTHON_SUFFIX
    pascal = "".join(w.capitalize() for w in words)
    return ProjectNames(
        original=raw,
        kebab=kebab,
        snake=snake,
        pascal=pascal,
        camel=pascal[0].lower() + pascal[1:],
        stack=f"{pascal}Stack",
        title=" ".join(w.capitalize() for w in words),
    )
