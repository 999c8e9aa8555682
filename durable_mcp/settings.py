"""Run-time settings shared by the MCP server and the CLI, built once from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from durable_mcp.paths import default_store_path

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    allow_write: bool = False
    allow_sensitive_data_access: bool = False
    transport: Literal["stdio", "streamable-http"] = "stdio"
    host: str = "127.0.0.1"
    port: int = 8765
    allow_remote: bool = False
    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    log_level: str = "WARNING"
    store: Path | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Settings:
        fields = {name: getattr(args, name) for name in cls.model_fields if hasattr(args, name)}
        return cls(**fields)

    @property
    def store_path(self) -> Path:
        return self.store or default_store_path()

    @property
    def is_loopback(self) -> bool:
        return self.host in LOOPBACK_HOSTS
