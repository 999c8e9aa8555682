"""HTTP front end serving a durable service on the real Lambda REST paths (``/2025-12-01/...``, Invoke).

``serve(service, host, port)`` returns a running :class:`EndpointServer` (``.url``, ``.close()``);
:class:`BackgroundDriver` keeps executions moving between requests (Event invokes, callbacks).
"""

from durable_mcp.endpoint.driver import BackgroundDriver
from durable_mcp.endpoint.server import EndpointServer, serve

__all__ = ["BackgroundDriver", "EndpointServer", "serve"]
