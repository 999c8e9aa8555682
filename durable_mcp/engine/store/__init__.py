"""Execution stores: in memory (dry runs) and SQLite (survives restarts)."""

from durable_mcp.engine.store.base import ExecutionStore, ExecutionSummary
from durable_mcp.engine.store.memory import MemoryStore
from durable_mcp.engine.store.sqlite import SqliteStore

__all__ = ["ExecutionStore", "ExecutionSummary", "MemoryStore", "SqliteStore"]
