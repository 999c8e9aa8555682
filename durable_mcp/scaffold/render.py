"""Render a project from templates. Pure: returns file contents and touches no file system.

Files come from a small table of shared pieces: one handler and one test template per language
family (Python; TypeScript and JavaScript share one with type annotations switched on or off) and
pattern, and one set of IaC templates per framework, parameterised by language and pattern.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import jinja2

from durable_mcp.scaffold.commands import ALIAS, Commands, build_commands
from durable_mcp.scaffold.models import ProjectFile, ProjectPreview, ProjectSpec
from durable_mcp.scaffold.names import ProjectNames, derive_names
from durable_mcp.scaffold.node_manifest import package_json
from durable_mcp.scaffold.patterns import Pattern, get_pattern

PYTHON_RUNTIME = "python3.13"
NODE_RUNTIME = "nodejs22.x"
FUNCTION_TIMEOUT_S = 300
MEMORY_MB = 512


@dataclass(frozen=True)
class _Piece:
    target: str
    template: str


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("durable_mcp.scaffold", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # the output is source code and YAML, never HTML
    )
    env.filters["json"] = _to_json
    return env


def _to_json(value: Any) -> str:
    return json.dumps(value)


_ENV = _environment()


def _pieces(spec: ProjectSpec, names: ProjectNames, pattern: Pattern) -> list[_Piece]:
    pieces = [_Piece("README.md", "common/README.md.j2"), _Piece(".gitignore", "common/gitignore.j2")]
    if spec.language == "python":
        pkg = f"src/{names.snake}"
        pieces += [
            _Piece("pyproject.toml", "python/pyproject.toml.j2"),
            _Piece(f"{pkg}/__init__.py", "python/package_init.py.j2"),
            _Piece(f"{pkg}/handler.py", f"python/handlers/{pattern.key}.py.j2"),
            _Piece("tests/test_handler.py", f"python/tests/{pattern.key}.py.j2"),
        ]
        if pattern.invokes_models:
            pieces.append(_Piece(f"{pkg}/model.py", "python/agent_model.py.j2"))
    else:
        ext = "ts" if spec.language == "typescript" else "js"
        pieces += [
            _Piece("jest.config.mjs", "node/jest.config.mjs.j2"),
            _Piece("eslint.config.mjs", "node/eslint.config.mjs.j2"),
            _Piece(f"src/index.{ext}", f"node/handlers/{pattern.key}.j2"),
            _Piece(f"test/handler.test.{ext}", f"node/tests/{pattern.key}.j2"),
        ]
        if spec.language == "typescript" or spec.iac == "cdk":
            pieces.append(_Piece("tsconfig.json", "node/tsconfig.json.j2"))
        if pattern.invokes_models:
            pieces.append(_Piece(f"src/model.{ext}", "node/agent_model.j2"))
    if spec.iac == "cdk":
        pieces.append(_Piece("cdk.json", "cdk/cdk.json.j2"))
        if spec.language == "python":
            pieces += [
                _Piece("infra/app.py", "cdk/python/app.py.j2"),
                _Piece("infra/stack.py", "cdk/python/stack.py.j2"),
            ]
        else:
            pieces += [
                _Piece("infra/bin/app.ts", "cdk/ts/app.ts.j2"),
                _Piece("infra/lib/stack.ts", "cdk/ts/stack.ts.j2"),
            ]
    else:
        pieces.append(_Piece("template.yaml", f"{spec.iac}/template.yaml.j2"))
    return pieces


def _context(spec: ProjectSpec, names: ProjectNames, pattern: Pattern, commands: Commands) -> dict[str, Any]:
    python = spec.language == "python"
    return {
        "spec": spec,
        "names": names,
        "pattern": pattern,
        "commands": commands,
        "language": spec.language,
        "iac": spec.iac,
        "python": python,
        "ts": spec.language == "typescript",
        "ext": {"typescript": "ts", "javascript": "js", "python": "py"}[spec.language],
        "runtime": PYTHON_RUNTIME if python else NODE_RUNTIME,
        "lambda_handler": f"{names.snake}.handler.handler" if python else "index.handler",
        "code_dir": "src" if python else "dist",
        "alias": ALIAS,
        "function_timeout_s": FUNCTION_TIMEOUT_S,
        "memory_mb": MEMORY_MB,
        "description": f"{names.title}: a durable function that {pattern.summary}",
    }


_BLANK_RUNS = re.compile(r"\n{3,}")


def _tidy(path: str, text: str) -> str:
    """Collapse the blank-line runs left by optional template sections (Python keeps its two)."""
    if path.endswith(".py"):
        return text
    return _BLANK_RUNS.sub("\n\n", text)


def render_project(spec: ProjectSpec) -> ProjectPreview:
    """Render every file of the project described by ``spec`` (no I/O)."""
    names = derive_names(spec.name)
    pattern = get_pattern(spec.pattern)
    commands = build_commands(spec.language, spec.iac, names, pattern)
    context = _context(spec, names, pattern, commands)
    files = [
        ProjectFile(path=piece.target, content=_tidy(piece.target, _ENV.get_template(piece.template).render(context)))
        for piece in _pieces(spec, names, pattern)
    ]
    if spec.language != "python":
        manifest = package_json(
            kebab=names.kebab,
            language=spec.language,
            iac=spec.iac,
            invokes_models=pattern.invokes_models,
            description=context["description"],
        )
        files.append(ProjectFile(path="package.json", content=manifest))
    files.sort(key=lambda f: f.path)
    return ProjectPreview(spec=spec, files=files, next_steps=commands.next_steps())
