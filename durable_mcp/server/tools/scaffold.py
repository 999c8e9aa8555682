"""scaffold_durable_function: preview without --allow-write; confirmed, atomic write with it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import unquote, urlparse

from mcp.server import MCPServer
from mcp.server.elicitation import ElicitationResult
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.resolve import Elicit, ListRoots, Resolve
from pydantic import BaseModel, Field

from durable_mcp.scaffold.models import ProjectFile, ProjectPreview, ProjectSpec
from durable_mcp.server.confirm import TOKEN_INSTRUCTIONS, Pending, Verdict, ask, decide, resolver
from durable_mcp.server.policy import WRITE_FLAG, Access
from durable_mcp.server.registry import add_tool
from durable_mcp.server.state import state_of

TOOL = "scaffold_durable_function"


class ScaffoldResult(BaseModel):
    status: Literal["preview", "confirmation_required", "written", "cancelled"]
    project: ProjectSpec
    output_dir: str
    files: list[ProjectFile] = Field(description="generated files; contents only in previews")
    next_steps: list[str]
    confirmation_token: str | None = None
    message: str


def _spec(name: str, language: str, iac: str, pattern: str) -> ProjectSpec:
    from durable_mcp.errors import check_framework, check_language

    # The standard wording for unsupported languages/frameworks comes from these checks.
    return ProjectSpec(name=name, language=check_language(language), iac=check_framework(iac), pattern=pattern)


def _render(name: str, language: str, iac: str, pattern: str) -> ProjectPreview:
    from durable_mcp.scaffold import render_project

    return render_project(_spec(name, language, iac, pattern))


def _arguments(name: str, language: str, iac: str, pattern: str, output_dir: str, overwrite: bool) -> dict[str, Any]:
    return {"name": name, "language": language, "iac": iac, "pattern": pattern, "output_dir": output_dir,
            "overwrite": overwrite}


def client_roots(ctx: Context[Any, Any]) -> ListRoots | None:
    """Ask for the client's roots when it declares them; None means 'use the working directory'."""
    caps = ctx.client_capabilities
    return ListRoots() if caps is not None and caps.roots is not None else None


@resolver(TOOL)
def ask_scaffold(
    ctx: Context[Any, Any],
    name: str,
    output_dir: str,
    language: str = "typescript",
    iac: str = "cdk",
    pattern: str = "basic",
    overwrite: bool = False,
    confirmation_token: str | None = None,
) -> Elicit[Any] | Pending:
    state = state_of(ctx)
    preview = _render(name, language, iac, pattern)
    summary = (
        f"Create the {preview.spec.language}/{preview.spec.iac} '{preview.spec.pattern}' project {name!r} "
        f"({len(preview.files)} files) in {output_dir}" + (" replacing what is there" if overwrite else "")
    )
    return ask(ctx, allow_write=state.policy.allow_write, broker=state.broker, tool=TOOL,
               arguments=_arguments(name, language, iac, pattern, output_dir, overwrite), summary=summary,
               confirmation_token=confirmation_token)


def _root_paths(roots: Any) -> list[Path]:
    found = []
    for root in getattr(roots, "roots", None) or []:
        uri = urlparse(str(root.uri))
        if uri.scheme == "file":
            found.append(Path(unquote(uri.path)))
    return found or [Path.cwd()]


def scaffold_durable_function(
    ctx: Context[Any, Any],
    name: Annotated[str, Field(description="project name, e.g. order-approval")],
    output_dir: Annotated[str, Field(description="directory to create, inside the workspace")],
    approval: Annotated[ElicitationResult[Any], Resolve(ask_scaffold)],
    roots: Annotated[Any, Resolve(client_roots)],
    language: Annotated[str, Field(description="typescript (default), javascript or python")] = "typescript",
    iac: Annotated[str, Field(description="cdk (default), sam or cloudformation")] = "cdk",
    pattern: Annotated[
        str, Field(description="basic, human-approval, saga, batch, polling or agent")
    ] = "basic",
    overwrite: Annotated[bool, Field(description="replace an existing non-empty directory")] = False,
    confirmation_token: Annotated[
        str | None, Field(description="token from a previous preview, to confirm the write")
    ] = None,
) -> ScaffoldResult:
    """Generate a durable function project: handler, tests on the official runner, configs, IaC (DurableConfig,
    version, alias, managed policy, log group) and README. Read-only servers return a preview; otherwise
    the user confirms, and the write is atomic (a non-empty directory needs overwrite)."""
    state = state_of(ctx)
    verdict = decide(approval)
    preview = _render(name, language, iac, pattern)

    def result(status: Any, message: str, files: list[ProjectFile], token: str | None = None) -> ScaffoldResult:
        return ScaffoldResult(status=status, project=preview.spec, output_dir=output_dir, files=files,
                              next_steps=preview.next_steps, confirmation_token=token, message=message)

    if verdict is Verdict.READ_ONLY:
        return result("preview", f"Preview only: nothing was written. Restart the server with {WRITE_FLAG} "
                      "to write projects.", preview.files)
    if verdict is Verdict.PREVIEW:
        token = state.broker.issue(TOOL, _arguments(name, language, iac, pattern, output_dir, overwrite))
        return result("confirmation_required", TOKEN_INSTRUCTIONS.format(token=token), preview.files, token)
    if verdict is Verdict.DECLINED:
        return result("cancelled", "The user declined; nothing was written.", [])
    from durable_mcp.scaffold import write_project

    written = write_project(preview, output_dir, overwrite=overwrite, allowed_roots=_root_paths(roots))
    return ScaffoldResult(status="written", output_dir=written.root, project=preview.spec,
                          files=[ProjectFile(path=p, content="") for p in written.files],
                          next_steps=written.next_steps, message=f"Wrote {len(written.files)} files to {written.root}.")


def register(mcp: MCPServer[Any]) -> None:
    add_tool(mcp, scaffold_durable_function, name=TOOL, title="Scaffold a durable function project",
             access=Access.WRITE, open_world=False, idempotent=False, destructive=False)
