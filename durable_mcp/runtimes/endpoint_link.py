"""The endpoint a handler process talks to: a given URL, or a private one serving a service."""

from __future__ import annotations

import threading

from durable_mcp.endpoint.server import EndpointServer, serve
from durable_mcp.errors import UserError


class EndpointLink:
    def __init__(self, *, endpoint_url: str | None, service: object | None) -> None:
        if endpoint_url is None and service is None:
            raise UserError("An out-of-process handler needs a local endpoint URL or the service to serve.")
        self._url = endpoint_url
        self._service = service
        self._server: EndpointServer | None = None
        self._lock = threading.Lock()

    def url(self) -> str:
        """The endpoint URL, starting the private loopback server on first use."""
        with self._lock:
            if self._url is not None:
                return self._url
            if self._server is None:
                self._server = serve(self._service)
            return self._server.url

    def clock_offset_s(self) -> float:
        """How far the service's virtual clock is ahead of the wall clock (0 without a local service)."""
        offset = getattr(getattr(self._service, "clock", None), "offset", 0.0)
        return float(offset) if isinstance(offset, int | float) else 0.0

    def close(self) -> None:
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.close()
