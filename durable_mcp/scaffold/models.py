"""Public inputs and outputs of the scaffolding library."""

from __future__ import annotations

from pathlib import PurePosixPath

from pydantic import BaseModel, ConfigDict, Field, field_validator

from durable_mcp.errors import check_framework, check_language
from durable_mcp.scaffold.patterns import get_pattern


class ProjectSpec(BaseModel):
    """What to generate. Language, IaC and pattern are normalised (``ts`` -> ``typescript``)."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="project name; turned into package, stack and class names")
    language: str = Field(default="typescript", description="typescript, javascript or python")
    iac: str = Field(default="cdk", description="cdk, sam or cloudformation")
    pattern: str = Field(default="basic", description="basic, human-approval, saga, batch, polling or agent")

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        return check_language(value)

    @field_validator("iac")
    @classmethod
    def _iac(cls, value: str) -> str:
        return check_framework(value)

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        return get_pattern(value).key


class ProjectFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str = Field(description="POSIX path relative to the project root")
    content: str

    @field_validator("path")
    @classmethod
    def _relative(cls, value: str) -> str:
        parts = PurePosixPath(value).parts
        if not parts or value.startswith("/") or ".." in parts or "\\" in value:
            raise ValueError(f"project file path must be relative and stay inside the project: {value!r}")
        return value


class ProjectPreview(BaseModel):
    """A rendered project, not yet written anywhere."""

    model_config = ConfigDict(frozen=True)

    spec: ProjectSpec
    files: list[ProjectFile]
    next_steps: list[str] = Field(description="commands to install, test and deploy, in order")

    def file(self, path: str) -> ProjectFile:
        for item in self.files:
            if item.path == path:
                return item
        raise KeyError(path)


class WrittenProject(BaseModel):
    model_config = ConfigDict(frozen=True)

    root: str = Field(description="absolute path of the project directory")
    files: list[str] = Field(description="relative paths written")
    replaced_existing: bool = Field(description="an existing directory was replaced (overwrite=True)")
    next_steps: list[str]
