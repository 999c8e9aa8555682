"""MCP prompt specs and their rendering from the jinja2 templates in ``prompts/``.

The MCP layer registers every entry of :data:`PROMPTS` in a loop and calls :func:`render_prompt`
with the arguments the client sent; nothing here knows about MCP.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from pydantic import BaseModel

from durable_mcp.errors import UserError, check_framework, check_language
from durable_mcp.guidance.assets import asset_dir

if TYPE_CHECKING:
    import jinja2


class PromptArgument(BaseModel):
    name: str
    description: str
    required: bool = False


class PromptSpec(BaseModel):
    name: str
    title: str
    description: str
    arguments: list[PromptArgument]


PROMPTS: list[PromptSpec] = [
    PromptSpec(
        name="build_durable_workflow",
        title="Build a durable workflow",
        description="Plan, write, test and deploy a Lambda durable function for a described workflow. "
        'Defaults to TypeScript and CDK; "use Python", "use JavaScript", "use SAM" or '
        '"use CloudFormation" in the description switch them.',
        arguments=[
            PromptArgument(name="description", description="what the workflow should do", required=True),
            PromptArgument(name="language", description="typescript (default), javascript or python"),
            PromptArgument(name="iac", description="cdk (default), sam or cloudformation"),
        ],
    ),
    PromptSpec(
        name="review_durable_code",
        title="Review durable function code",
        description="Review a durable function handler for replay-safety, naming, retries and testability.",
        arguments=[
            PromptArgument(
                name="code_or_path",
                description="the handler source code, or the path of a file or folder to review",
                required=True,
            ),
        ],
    ),
    PromptSpec(
        name="troubleshoot_execution",
        title="Troubleshoot a durable execution",
        description="Diagnose a stuck, failed or slow durable execution from its ARN, read-only.",
        arguments=[
            PromptArgument(name="execution_arn", description="the durable execution ARN", required=True),
            PromptArgument(
                name="symptom", description="what looks wrong (stuck, failed, slow, wrong result)"
            ),
        ],
    ),
]

_SPECS = {spec.name: spec for spec in PROMPTS}

# "use X" phrases in a workflow description; Java is listed so it gets the standard refusal.
_LANGUAGE_PHRASE = re.compile(r"\buse\s+(typescript|javascript|python|java)\b", re.IGNORECASE)
_IAC_PHRASE = re.compile(r"\buse\s+(cdk|sam|cloudformation)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2  # on first render: keeps jinja2 off the server's start-up path

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(asset_dir("prompts")),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # the output is markdown for a model, not HTML
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _looks_like_path(value: str) -> bool:
    """One line naming a source file, or a folder path without spaces; anything else is code."""
    text = value.strip()
    if "\n" in text:
        return False
    if re.search(r"\.(ts|mts|cts|js|mjs|cjs|py)$", text):
        return True
    return bool(re.search(r"[/\\]", text)) and not re.search(r"\s", text)


def _build_context(args: Mapping[str, str]) -> dict[str, object]:
    description = args["description"]
    language_said = _LANGUAGE_PHRASE.search(description)
    iac_said = _IAC_PHRASE.search(description)
    language = args.get("language") or (language_said.group(1) if language_said else "typescript")
    iac = args.get("iac") or (iac_said.group(1) if iac_said else "cdk")
    return {"description": description, "language": check_language(language), "iac": check_framework(iac)}


def _review_context(args: Mapping[str, str]) -> dict[str, object]:
    target = args["code_or_path"]
    if _looks_like_path(target):
        return {"path": target.strip(), "code": None}
    return {"path": None, "code": target}


def _troubleshoot_context(args: Mapping[str, str]) -> dict[str, object]:
    arn = args["execution_arn"].strip()
    if "/durable-execution/" not in arn:
        raise UserError(
            f"{arn!r} is not a durable execution ARN; it looks like "
            "arn:aws:lambda:<region>:<account>:function:<name>:<version>/durable-execution/<name>/<id>. "
            "Use list_durable_executions to find it."
        )
    return {"execution_arn": arn, "symptom": args.get("symptom") or "not described"}


_CONTEXTS: dict[str, Callable[[Mapping[str, str]], dict[str, object]]] = {
    "build_durable_workflow": _build_context,
    "review_durable_code": _review_context,
    "troubleshoot_execution": _troubleshoot_context,
}


def render_prompt(name: str, arguments: Mapping[str, str | None] | None = None) -> str:
    """Render prompt ``name``; raises UserError for an unknown prompt or a missing required argument."""
    spec = _SPECS.get(name)
    if spec is None:
        raise UserError(f"Unknown prompt {name!r}. Valid prompts: {', '.join(_SPECS)}.")
    args = {key: value.strip() for key, value in (arguments or {}).items() if value and value.strip()}
    missing = [a.name for a in spec.arguments if a.required and a.name not in args]
    if missing:
        raise UserError(f"Prompt {name!r} needs the argument(s): {', '.join(missing)}.")
    unknown = sorted(set(args) - {a.name for a in spec.arguments})
    if unknown:
        raise UserError(f"Prompt {name!r} does not take {', '.join(unknown)}.")
    context = _CONTEXTS[name](args)
    return _environment().get_template(f"{name}.md.j2").render(**context)
