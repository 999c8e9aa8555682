"""Errors shared by every front end.

Libraries raise :class:`UserError` for anything the caller can fix (bad input, missing tool,
refused path). The MCP layer turns it into a ``ToolError`` and the CLI into a message on stderr
with exit code 2, so the same wording reaches an agent and a person.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the caller can fix; the message says how."""


class UnsupportedLanguageError(UserError):
    SUPPORTED = ("typescript", "javascript", "python")

    def __init__(self, language: str) -> None:
        supported = ", ".join(self.SUPPORTED)
        super().__init__(
            f"Durable Execution SDK is not yet available for {language}. Supported languages: {supported}."
        )


class UnsupportedFrameworkError(UserError):
    SUPPORTED = ("cdk", "sam", "cloudformation")

    def __init__(self, framework: str) -> None:
        supported = ", ".join(self.SUPPORTED)
        super().__init__(
            f"{framework} might not support Lambda durable functions yet. Supported frameworks: {supported}."
        )


def check_language(language: str) -> str:
    """Normalise a language name or raise the standard unsupported-language error."""
    aliases = {"ts": "typescript", "js": "javascript", "py": "python", "node": "javascript"}
    key = aliases.get(language.strip().lower(), language.strip().lower())
    if key not in UnsupportedLanguageError.SUPPORTED:
        raise UnsupportedLanguageError(language)
    return key


def check_framework(framework: str) -> str:
    """Normalise an IaC framework name or raise the standard unsupported-framework error."""
    aliases = {"cfn": "cloudformation", "aws-cdk": "cdk", "aws-sam": "sam"}
    key = aliases.get(framework.strip().lower(), framework.strip().lower())
    if key not in UnsupportedFrameworkError.SUPPORTED:
        raise UnsupportedFrameworkError(framework)
    return key
