"""Project names become safe identifiers for every ecosystem, or are refused with a reason."""

from __future__ import annotations

import pytest

from durable_mcp.errors import UserError
from durable_mcp.scaffold.names import MAX_LENGTH, derive_names


@pytest.mark.parametrize(
    ("name", "kebab", "snake", "pascal", "stack"),
    [
        ("order-workflow", "order-workflow", "order_workflow", "OrderWorkflow", "OrderWorkflowStack"),
        ("OrderWorkflow", "order-workflow", "order_workflow", "OrderWorkflow", "OrderWorkflowStack"),
        ("HTTPServer v2", "http-server-v2", "http_server_v2", "HttpServerV2", "HttpServerV2Stack"),
        ("  my_app.v1 ", "my-app-v1", "my_app_v1", "MyAppV1", "MyAppV1Stack"),
    ],
)
def test_identifiers(name: str, kebab: str, snake: str, pascal: str, stack: str) -> None:
    names = derive_names(name)
    assert (names.kebab, names.snake, names.pascal, names.stack) == (kebab, snake, pascal, stack)
    assert names.snake.isidentifier()


@pytest.mark.parametrize("name", ["json", "class", "tests"])
def test_python_package_never_shadows_a_module_or_keyword(name: str) -> None:
    snake = derive_names(name).snake
    assert snake == f"{name}_fn"
    assert snake.isidentifier()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("9lives", "starting with a letter"),
        ("../../etc", "cannot be used"),
        ("a/b", "cannot be used"),
        ("名前", "cannot be used"),
        ("x" * (MAX_LENGTH + 1), "at most"),
        ("order`rm -rf`", "cannot be used"),
    ],
)
def test_unusable_names_are_refused(name: str, reason: str) -> None:
    with pytest.raises(UserError, match=reason):
        derive_names(name)
