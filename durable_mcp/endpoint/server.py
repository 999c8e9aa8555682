"""A threaded HTTP/1.1 server that puts a durable service on the real Lambda REST paths.

SDK clients send one small request per checkpoint over a kept-alive connection, so the two
settings that matter are HTTP/1.1 (no reconnect per call) and TCP_NODELAY on every accepted
socket: with Nagle on, each response waits ~40 ms for the client's delayed ACK.
"""

from __future__ import annotations

import inspect
import ipaddress
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import structlog

from durable_mcp.endpoint.invoke import settled_invoke, with_log_tail
from durable_mcp.endpoint.routes import MAX_REQUEST_BYTES, Body, Call, RequestError, resolve
from durable_mcp.endpoint.wire import encode_body, error_body
from durable_mcp.engine.errors import ServiceError, TooManyRequestsException
from durable_mcp.errors import UserError

log = structlog.get_logger()

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_SIGNATURES: dict[Any, inspect.Signature] = {}


def _signature(method: Any) -> inspect.Signature:
    key = getattr(method, "__func__", method)
    if key not in _SIGNATURES:
        _SIGNATURES[key] = inspect.signature(method)
    return _SIGNATURES[key]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    # Buffered writes: status line, headers and body leave in one send when the request ends.
    wbufsize = 64 * 1024
    server: _LambdaHTTPServer

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("endpoint.request", line=format % args)

    def _dispatch(self) -> None:
        try:
            body = self._read_body()
            call = resolve(self.command, self.path, dict(self.headers.items()), body)
        except RequestError as exc:
            self._send_error(exc.code, exc.message, exc.http_status)
            return
        try:
            method = getattr(self.server.service, call.route.operation)
        except AttributeError:
            self._send_error("ServiceException", f"{call.route.operation} is not served here.", 500)
            return
        try:
            _signature(method).bind(**call.kwargs)
        except TypeError as exc:
            # An input member the service does not accept; the real service would refuse it too.
            self._send_error("InvalidParameterValueException", str(exc), 400)
            return
        try:
            if call.route.body is Body.INVOKE_PAYLOAD:
                result = settled_invoke(self.server.service, call.kwargs)
                if self.headers.get("X-Amz-Log-Type", "").lower() == "tail":
                    result = with_log_tail(self.server.service, result)
            else:
                result = method(**call.kwargs)
        except ServiceError as exc:
            retry_after = "1" if isinstance(exc, TooManyRequestsException) else None
            self._send_error(exc.code, exc.message, exc.http_status, retry_after)
            return
        except UserError as exc:
            self._send_error("InvalidParameterValueException", str(exc), 400)
            return
        except ConnectionError:
            # The caller is gone (its sandbox was killed): there is no one to answer.
            self.close_connection = True
            return
        except Exception:
            log.exception("endpoint.unhandled", operation=call.route.operation)
            self._send_error("ServiceException", "Internal error in the local durable service.", 500)
            return
        self._send_result(call, result or {})

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        self._check_size(length)
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        body = bytearray()
        while True:
            line = self.rfile.readline().split(b";", 1)[0].strip()
            try:
                size = int(line or b"0", 16)
            except ValueError:
                self.close_connection = True
                raise RequestError("SerializationException", "Malformed chunked request body", 400) from None
            self._check_size(len(body) + size)
            if size == 0:
                while self.rfile.readline().strip():
                    pass  # trailers
                return bytes(body)
            body += self.rfile.read(size)
            self.rfile.readline()  # the CRLF after each chunk

    def _check_size(self, length: int) -> None:
        if length > MAX_REQUEST_BYTES:
            self.close_connection = True  # the unread body would otherwise be taken for the next request
            raise RequestError("RequestTooLargeException", f"Request body of {length} bytes is too large", 413)

    def _send_result(self, call: Call, result: dict[str, Any]) -> None:
        if call.route.body is Body.INVOKE_PAYLOAD:
            self._send_invoke_result(result)
            return
        self._send(call.route.status, encode_body(result), {"Content-Type": "application/json"})

    def _send_invoke_result(self, result: dict[str, Any]) -> None:
        payload = result.get("Payload", b"")
        if hasattr(payload, "read"):
            payload = payload.read()
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        headers = {"Content-Type": "application/json"}
        for member, header in (
            ("DurableExecutionArn", "X-Amz-Durable-Execution-Arn"),
            ("ExecutedVersion", "X-Amz-Executed-Version"),
            ("FunctionError", "X-Amz-Function-Error"),
            ("LogResult", "X-Amz-Log-Result"),
        ):
            if result.get(member):
                headers[header] = str(result[member])
        self._send(int(result.get("StatusCode", 200)), bytes(payload), headers)

    def _send_error(self, code: str, message: str, status: int, retry_after: str | None = None) -> None:
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code}
        if retry_after:
            headers["Retry-After"] = retry_after
        self._send(status, error_body(code, message, status), headers)

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("x-amzn-RequestId", self.server.next_request_id())
        self.send_header("Content-Length", str(len(body)))
        try:
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True


class _LambdaHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], service: object) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.service = service
        self._request_count = 0
        self._count_lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that vanished (a killed handler process) is routine, not a server fault.
        if isinstance(sys.exc_info()[1], ConnectionError):
            log.debug("endpoint.client_gone", client=str(client_address))
            return
        super().handle_error(request, client_address)

    def next_request_id(self) -> str:
        with self._count_lock:
            self._request_count += 1
            return f"00000000-0000-4000-8000-{self._request_count:012d}"


class EndpointServer:
    """A running endpoint; ``close()`` (or leaving the ``with`` block) stops it."""

    def __init__(self, httpd: _LambdaHTTPServer) -> None:
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="durable-endpoint", daemon=True
        )
        self._thread.start()

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        host = self.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> EndpointServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def serve(service: object, host: str = "127.0.0.1", port: int = 0, *, allow_remote: bool = False) -> EndpointServer:
    """Serve ``service`` (a ``DurableService``) on ``host:port`` (0 picks a free port) in a background thread.

    The endpoint has no authentication, so a non-loopback host needs ``allow_remote=True``.
    """
    if not is_loopback(host) and not allow_remote:
        raise UserError(
            f"Refusing to bind the local endpoint to {host}: it has no authentication. "
            "Use 127.0.0.1 (the default), or pass --allow-remote if you really mean it."
        )
    try:
        httpd = _LambdaHTTPServer((host, port), service)
    except OSError as exc:
        raise UserError(f"Cannot listen on {host}:{port}: {exc.strerror}. Choose another --port.") from exc
    server = EndpointServer(httpd)
    log.info("endpoint.listening", url=server.url)
    return server
