"""Loopback HTTP servers that stand in for CBS StatLine (OData v3) and PDOK (OGC API Features).

The servers replay the wire-format fixtures of the project (``shared/fixtures``) so that
the real client code (``cbsodata``, plain ``requests`` for PDOK) runs unchanged against
``127.0.0.1``. Fixture files are read at run time, lazily, and cached per server.

Only the standard library is used. Every server listens on ``127.0.0.1`` (port 0 picks a
free port) and serves from a daemon thread; request logging is switched off.

Run this file to serve both services by hand::

    python tests/loopback.py --fixtures ../shared/fixtures --cbs-port 8001 --pdok-port 8002
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import parse_qsl, quote, unquote, unquote_plus, urlencode, urlsplit

__all__ = [
    "CbsODataServer",
    "HttpError",
    "LoopbackServer",
    "ODataFilterError",
    "PdokServer",
    "Request",
    "Response",
    "main",
    "parse_odata_filter",
    "too_many_records_message",
]

#: The origin the CBS fixtures were taken from; rewritten to the server's own URL.
CBS_ORIGIN = "https://opendata.cbs.nl"
#: The coordinate reference system of the PDOK fixtures (lon/lat).
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

_ODATA_JSON = "application/json;odata=minimalmetadata;streaming=true;charset=utf-8"
_JSON = "application/json; charset=utf-8"
_GEOJSON = "application/geo+json"
_PROBLEM_JSON = "application/problem+json"


# ---------------------------------------------------------------------------------------
# Generic request/response plumbing
# ---------------------------------------------------------------------------------------


class HttpError(Exception):
    """An error that a handler turns into an HTTP error response.

    Parameters
    ----------
    status : int
        The HTTP status code.
    message : str
        Human-readable explanation, put into the service-specific error body.
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Request:
    """A parsed GET request.

    Attributes
    ----------
    method : str
        ``GET`` or ``HEAD``.
    target : str
        The request target as received (path and query, percent-encoded).
    path : str
        The percent-decoded path.
    query : tuple of (str, str)
        The decoded query parameters in order of appearance.
    headers : Mapping[str, str]
        Request headers (keys lower-cased).
    """

    method: str
    target: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: Mapping[str, str]

    def params(self) -> dict[str, str]:
        """Return the query parameters as a dict.

        Returns
        -------
        dict of str to str
            One value per parameter name.

        Raises
        ------
        HttpError
            400 when a parameter is given twice with different values.
        """
        result: dict[str, str] = {}
        for key, value in self.query:
            if key in result and result[key] != value:
                raise HttpError(400, f"Query parameter '{key}' is given more than once.")
            result[key] = value
        return result


@dataclass
class Response:
    """An HTTP response to be written by the handler.

    Attributes
    ----------
    status : int
        HTTP status code.
    body : bytes
        The response body.
    content_type : str
        Value of the ``Content-Type`` header.
    headers : dict of str to str
        Additional headers.
    """

    status: int
    body: bytes
    content_type: str = _JSON
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200, content_type: str = _JSON) -> Response:
        """Build a JSON response.

        Parameters
        ----------
        payload : Any
            JSON-serialisable object.
        status : int, optional
            HTTP status code, by default 200.
        content_type : str, optional
            Content type of the body.

        Returns
        -------
        Response
            The response with the UTF-8 encoded JSON body.
        """
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(status=status, body=body, content_type=content_type)


def _phrase(status: int, default: str) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return default


class _JsonCache:
    """Thread-safe, lazy, load-once cache of parsed JSON files."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[Path, Any] = {}
        self._file_locks: dict[Path, threading.Lock] = {}
        self._loaded: list[Path] = []

    def load(self, path: Path) -> Any:
        """Return the parsed content of ``path``, reading the file at most once."""
        with self._lock:
            if path in self._items:
                return self._items[path]
            file_lock = self._file_locks.setdefault(path, threading.Lock())
        with file_lock:
            with self._lock:
                if path in self._items:
                    return self._items[path]
            data = json.loads(path.read_bytes())
            with self._lock:
                self._items[path] = data
                self._loaded.append(path)
            return data

    def memo(self, key: Path, compute: Callable[[], Any]) -> Any:
        """Return a value derived once per key (e.g. an index), computed under a lock."""
        with self._lock:
            if key in self._items:
                return self._items[key]
            file_lock = self._file_locks.setdefault(key, threading.Lock())
        with file_lock:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            value = compute()
            with self._lock:
                self._items[key] = value
            return value

    @property
    def loaded(self) -> list[Path]:
        with self._lock:
            return list(self._loaded)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    loopback: LoopbackServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client hangs up; report anything else."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.loopback._opened()

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self.server.loopback._serve(self)

    def do_HEAD(self) -> None:  # noqa: N802
        self.server.loopback._serve(self)

    def _not_allowed(self) -> None:
        self.server.loopback._serve(self)

    do_POST = do_PUT = do_PATCH = do_DELETE = _not_allowed

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silence the per-request log lines of http.server."""


class LoopbackServer:
    """Base class: a threaded HTTP server on 127.0.0.1 with request log and fault injection.

    Parameters
    ----------
    host : str, optional
        Interface to bind, by default ``127.0.0.1``.
    port : int, optional
        Port to bind; 0 (default) picks a free port at :meth:`start`.

    Notes
    -----
    Subclasses implement :meth:`handle` and :meth:`error_response`.
    """

    #: Human-readable service name used in messages.
    service_name: ClassVar[str] = "loopback"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._requests: list[str] = []
        self._failures: list[int] = []
        self._delays: list[float] = []
        self._targeted: list[tuple[str, int]] = []
        self._first: list[tuple[str, int, int]] = []  # (kind, n, status) per URL
        self._next_kinds: list[tuple[str, int]] = []  # (kind, status) for the next requests
        self._answered: dict[str, int] = {}  # answers so far per URL (path and query)
        self._bytes_sent = 0
        self._connections = 0
        self._release = threading.Event()  # wakes hanging answers (reset_faults, stop)
        self._cache = _JsonCache()

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> Self:
        """Bind the port and serve from a daemon thread.

        Returns
        -------
        Self
            The started server (for chaining).
        """
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self._host, self._port), _Handler)
        httpd.loopback = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"{type(self).__name__}:{httpd.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port. Safe to call twice."""
        httpd, thread = self._httpd, self._thread
        self._httpd, self._thread = None, None
        self._release.set()
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._httpd is not None

    @property
    def port(self) -> int:
        """The bound port.

        Raises
        ------
        RuntimeError
            When the server has not been started.
        """
        if self._httpd is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return int(self._httpd.server_address[1])

    @property
    def host_port(self) -> str:
        """``host:port``, e.g. ``127.0.0.1:54321`` (what ``cbsodata``'s ``catalog_url`` takes)."""
        return f"{self._host}:{self.port}"

    @property
    def url(self) -> str:
        """Base URL without trailing slash, e.g. ``http://127.0.0.1:54321``."""
        return f"http://{self.host_port}"

    # -- request log and faults ----------------------------------------------------------

    @property
    def requests(self) -> list[str]:
        """A copy of the log of request targets (path and decoded query), oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        """Empty the request log (and the count of bytes sent)."""
        with self._lock:
            self._requests.clear()
            self._bytes_sent = 0
            self._connections = 0

    def _opened(self) -> None:
        with self._lock:
            self._connections += 1

    @property
    def connections(self) -> int:
        """TCP connections accepted since the last :meth:`clear_requests` (keep-alive reuse)."""
        with self._lock:
            return self._connections

    @property
    def bytes_sent(self) -> int:
        """Body bytes written since the last :meth:`clear_requests` (headers not counted)."""
        with self._lock:
            return self._bytes_sent

    #: Fault kinds of :meth:`fault_first` and :meth:`fault_next`.
    FAULT_KINDS = ("status", "drop", "truncate", "hang")

    def fault_first(self, n: int, kind: str = "status", status: int = 503) -> None:
        """Spoil the first ``n`` answers of *every* URL (path and query) from now on.

        Parameters
        ----------
        n : int
            Answers per URL to spoil; answer ``n + 1`` of that URL is served normally.
        kind : {"status", "drop", "truncate", "hang"}
            ``status``: an error ``status``; ``drop``: the full ``Content-Length`` is
            announced, half the body is sent and the connection is closed (a body dropped
            half-way); ``truncate``: a complete answer (status 200, matching
            ``Content-Length``) whose JSON is cut off half-way; ``hang``: no answer until
            the faults are reset or the server stops (at most 60 s).
            A new call replaces the previous one and counts the answers from zero.
        status : int, optional
            The status for ``kind="status"``, by default 503.
        """
        self._check_fault(n, kind, status)
        with self._lock:  # replaces an earlier per-URL fault; counting starts again
            self._answered.clear()
            self._first = [(kind, n, status)]

    def fault_next(self, n: int, kind: str = "status", status: int = 503) -> None:
        """Spoil the next ``n`` answers, whatever their URL (kinds as :meth:`fault_first`)."""
        self._check_fault(n, kind, status)
        with self._lock:
            self._next_kinds.extend([(kind, status)] * n)

    def _check_fault(self, n: int, kind: str, status: int) -> None:
        if n < 0 or kind not in self.FAULT_KINDS or not 400 <= status <= 599:
            raise ValueError(f"n must be >= 0, kind one of {self.FAULT_KINDS}, status 4xx/5xx")

    def fail_next(self, n: int, status: int = 503) -> None:
        """Answer the next ``n`` requests with ``status`` (queued after earlier faults).

        Parameters
        ----------
        n : int
            Number of requests to fail.
        status : int, optional
            HTTP status to answer, by default 503.
        """
        if n < 0 or not 400 <= status <= 599:
            raise ValueError("n must be >= 0 and status an HTTP error status")
        with self._lock:
            self._failures.extend([status] * n)

    def fail_matching(self, needle: str, n: int = 1, status: int = 503) -> None:
        """Answer the next ``n`` requests whose logged path contains ``needle`` with ``status``.

        Lets a test break a download half-way, e.g. ``fail_matching("$skip=")`` fails the
        second page of a paged answer while the first page succeeds.
        """
        if n < 0 or not 400 <= status <= 599:
            raise ValueError("n must be >= 0 and status an HTTP error status")
        with self._lock:
            self._targeted.extend([(needle, status)] * n)

    def delay_next(self, n: int, seconds: float) -> None:
        """Delay the next ``n`` responses by ``seconds`` each.

        Parameters
        ----------
        n : int
            Number of requests to delay.
        seconds : float
            Delay per request.
        """
        if n < 0 or seconds < 0:
            raise ValueError("n and seconds must be >= 0")
        with self._lock:
            self._delays.extend([seconds] * n)

    def reset_faults(self) -> None:
        """Forget pending failures and delays."""
        with self._lock:
            self._failures.clear()
            self._delays.clear()
            self._targeted.clear()
            self._first.clear()
            self._next_kinds.clear()
            self._answered.clear()
            release, self._release = self._release, threading.Event()
        release.set()

    @property
    def pending_faults(self) -> tuple[int, int]:
        """Number of pending (failures, delays); per-URL faults are not counted."""
        with self._lock:
            failures = len(self._failures) + len(self._targeted) + len(self._next_kinds)
            return failures, len(self._delays)

    @property
    def loaded_files(self) -> list[str]:
        """Fixture files parsed so far, in load order (each is parsed once per server)."""
        return [str(p) for p in self._cache.loaded]

    # -- to be implemented by subclasses -------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Answer a request (subclasses).

        Parameters
        ----------
        request : Request
            The parsed request.

        Returns
        -------
        Response
            The response; raise :class:`HttpError` for error responses.
        """
        raise HttpError(404, "Not found")

    def error_response(self, status: int, message: str) -> Response:
        """Build the service-specific error body.

        Parameters
        ----------
        status : int
            HTTP status code.
        message : str
            Explanation.

        Returns
        -------
        Response
            The error response.
        """
        return Response.json({"status": status, "message": message}, status=status)

    # -- internals -----------------------------------------------------------------------

    def _serve(self, handler: _Handler) -> None:
        target = handler.path
        split = urlsplit(target)
        logged = unquote(split.path) + (f"?{unquote_plus(split.query)}" if split.query else "")
        with self._lock:
            self._requests.append(logged)
            delay = self._delays.pop(0) if self._delays else 0.0
            failure = self._failures.pop(0) if self._failures else None
            if failure is None:
                for i, (needle, status) in enumerate(self._targeted):
                    if needle in logged:
                        failure = status
                        del self._targeted[i]
                        break
            kind: str | None = None
            if failure is None and self._next_kinds:
                kind, failure = self._next_kinds.pop(0)
            seen = self._answered.get(logged, 0)
            self._answered[logged] = seen + 1
            if failure is None:
                for first_kind, n, status in self._first:
                    if seen < n:
                        kind, failure = first_kind, status
                        break
            release = self._release
        if delay:
            time.sleep(delay)
        if kind == "hang":
            release.wait(60)
            handler.close_connection = True
            return
        if kind in ("drop", "truncate"):
            self._spoil(handler, kind)
            return
        if failure is not None:
            response = self.error_response(
                failure, f"Injected fault: {failure} {_phrase(failure, '')}".strip()
            )
        elif handler.command not in ("GET", "HEAD"):
            response = self.error_response(405, f"Method {handler.command} is not allowed.")
            response.headers["Allow"] = "GET, HEAD"
            handler.close_connection = True  # the request body is not read
        else:
            try:
                request = Request(
                    method=handler.command,
                    target=target,
                    path=unquote(split.path),
                    query=tuple(parse_qsl(split.query, keep_blank_values=True)),
                    headers={k.lower(): v for k, v in handler.headers.items()},
                )
                response = self.handle(request)
            except HttpError as err:
                response = self.error_response(err.status, err.message)
            except Exception as err:  # a bug in the loopback server itself
                traceback.print_exc(file=sys.stderr)
                response = self.error_response(500, f"Loopback server error: {err!r}")
        self._write(handler, response)

    def _spoil(self, handler: _Handler, kind: str) -> None:
        """Answer the real request, but drop (``drop``) or cut (``truncate``) its body."""
        split = urlsplit(handler.path)
        try:
            response = self.handle(
                Request(
                    method=handler.command,
                    target=handler.path,
                    path=unquote(split.path),
                    query=tuple(parse_qsl(split.query, keep_blank_values=True)),
                    headers={k.lower(): v for k, v in handler.headers.items()},
                )
            )
        except HttpError as err:
            response = self.error_response(err.status, err.message)
        half = response.body[: max(1, len(response.body) // 2)]
        if kind == "truncate":  # a complete HTTP answer whose JSON stops half-way
            self._write(handler, Response(response.status, half, response.content_type))
            return
        try:  # announce the whole body, send half, hang up
            handler.send_response(response.status)
            handler.send_header("Content-Type", response.content_type)
            handler.send_header("Content-Length", str(len(response.body)))
            handler.end_headers()
            with self._lock:
                self._bytes_sent += len(half)
            handler.wfile.write(half)
            handler.wfile.flush()
        except (ConnectionError, TimeoutError):
            pass
        handler.close_connection = True

    def _write(self, handler: _Handler, response: Response) -> None:
        try:
            handler.send_response(response.status)
            handler.send_header("Content-Type", response.content_type)
            handler.send_header("Content-Length", str(len(response.body)))
            handler.send_header("Cache-Control", "no-cache")
            for key, value in response.headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            if handler.command != "HEAD":
                with self._lock:  # counted before the client can have it (no race with tests)
                    self._bytes_sent += len(response.body)
                handler.wfile.write(response.body)
        except (ConnectionError, TimeoutError):
            handler.close_connection = True


# ---------------------------------------------------------------------------------------
# OData v3 $filter: a small recursive-descent parser and evaluator
# ---------------------------------------------------------------------------------------


class ODataFilterError(ValueError):
    """A ``$filter`` expression that cannot be parsed or evaluated.

    Parameters
    ----------
    message : str
        What is wrong.
    """


_TOKEN_RE = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<string>'(?:[^']|'')*')
    | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMdDfFlL]?(?![A-Za-z0-9_]))
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<punct>[(),])
    """,
    re.VERBOSE,
)
_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
}
_KEYWORDS = frozenset({"and", "or", "not", *_COMPARISONS})
_LITERALS: dict[str, Any] = {"null": None, "true": True, "false": False}


def _edm_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "Edm.Boolean"
    if isinstance(value, int):
        return "Edm.Int32"
    if isinstance(value, float):
        return "Edm.Double"
    if isinstance(value, str):
        return "Edm.String"
    return type(value).__name__


def _require_str(function: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ODataFilterError(
            f"No function signature for the function with name '{function}' matches the "
            f"specified arguments (got {_edm_type(value)})."
        )
    return value


def _fn_substringof(a: Any, b: Any) -> bool:
    return _require_str("substringof", a) in _require_str("substringof", b)


def _fn_startswith(a: Any, b: Any) -> bool:
    return _require_str("startswith", a).startswith(_require_str("startswith", b))


def _fn_endswith(a: Any, b: Any) -> bool:
    return _require_str("endswith", a).endswith(_require_str("endswith", b))


def _fn_indexof(a: Any, b: Any) -> int:
    return _require_str("indexof", a).find(_require_str("indexof", b))


_FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    "substringof": (2, _fn_substringof),
    "startswith": (2, _fn_startswith),
    "endswith": (2, _fn_endswith),
    "indexof": (2, _fn_indexof),
    "tolower": (1, lambda a: _require_str("tolower", a).lower()),
    "toupper": (1, lambda a: _require_str("toupper", a).upper()),
    "trim": (1, lambda a: _require_str("trim", a).strip()),
    "length": (1, lambda a: len(_require_str("length", a))),
}


class _Node:
    def evaluate(self, row: Mapping[str, Any]) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class _Literal(_Node):
    value: Any

    def evaluate(self, row: Mapping[str, Any]) -> Any:
        return self.value


@dataclass(frozen=True)
class _Field(_Node):
    name: str

    def evaluate(self, row: Mapping[str, Any]) -> Any:
        return row.get(self.name)


@dataclass(frozen=True)
class _Call(_Node):
    name: str
    args: tuple[_Node, ...]

    def evaluate(self, row: Mapping[str, Any]) -> Any:
        values = [arg.evaluate(row) for arg in self.args]
        if any(value is None for value in values):
            return None  # OData: functions of null are null
        return _FUNCTIONS[self.name][1](*values)


@dataclass(frozen=True)
class _Compare(_Node):
    op: str
    left: _Node
    right: _Node

    def evaluate(self, row: Mapping[str, Any]) -> Any:
        a, b = self.left.evaluate(row), self.right.evaluate(row)
        if a is None or b is None:
            if self.op in ("eq", "ne"):
                return (a is b) == (self.op == "eq")
            return False
        numeric = (int, float)
        compatible = (
            (isinstance(a, str) and isinstance(b, str))
            or (isinstance(a, bool) and isinstance(b, bool))
            or (
                isinstance(a, numeric)
                and isinstance(b, numeric)
                and not isinstance(a, bool)
                and not isinstance(b, bool)
            )
        )
        if not compatible:
            raise ODataFilterError(
                f"Operator '{self.op}' incompatible with operand types "
                f"'{_edm_type(a)}' and '{_edm_type(b)}'."
            )
        return _COMPARISONS[self.op](a, b)


def _as_bool(op: str, value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ODataFilterError(f"Operator '{op}' requires boolean operands, got {_edm_type(value)}.")


@dataclass(frozen=True)
class _Logical(_Node):
    op: str
    left: _Node
    right: _Node

    def evaluate(self, row: Mapping[str, Any]) -> Any:
        a = _as_bool(self.op, self.left.evaluate(row))
        b = _as_bool(self.op, self.right.evaluate(row))
        if self.op == "and":
            if a is False or b is False:
                return False
            return None if a is None or b is None else True
        if a is True or b is True:
            return True
        return None if a is None or b is None else False


@dataclass(frozen=True)
class _Not(_Node):
    operand: _Node

    def evaluate(self, row: Mapping[str, Any]) -> Any:
        value = _as_bool("not", self.operand.evaluate(row))
        return None if value is None else not value


@dataclass(frozen=True)
class _Token:
    kind: str  # "string", "number", "name", "(", ")", ",", "end"
    text: str
    pos: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            if text[pos] == "'":
                raise ODataFilterError(
                    f"Unterminated string literal at position {pos} in '{text}'."
                )
            raise ODataFilterError(
                f"Syntax error: unexpected character '{text[pos]}' at position {pos} in '{text}'."
            )
        kind = match.lastgroup or ""
        if kind == "punct":
            kind = match.group()
        if kind != "ws":
            tokens.append(_Token(kind, match.group(), pos))
        pos = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


class _FilterParser:
    """Recursive descent over the OData v3 ``$filter`` subset used against CBS.

    Grammar (lowest precedence first)::

        or_expr    := and_expr ('or' and_expr)*
        and_expr   := comparison ('and' comparison)*
        comparison := unary (('eq'|'ne'|'gt'|'ge'|'lt'|'le') unary)*
        unary      := 'not' unary | primary
        primary    := '(' or_expr ')' | function '(' args ')' | literal | property
    """

    def __init__(self, text: str, fields: Collection[str] | None, entity: str) -> None:
        self._text = text
        self._fields = fields
        self._entity = entity
        self._tokens = _tokenize(text)
        self._index = 0

    def parse(self) -> _Node:
        if self._peek().kind == "end":
            raise ODataFilterError(f"Expression expected at position 0 in '{self._text}'.")
        node = self._or()
        token = self._peek()
        if token.kind != "end":
            raise self._error(token, "unexpected token")
        return node

    # helpers
    def _peek(self) -> _Token:
        return self._tokens[self._index]

    def _advance(self) -> _Token:
        token = self._tokens[self._index]
        if token.kind != "end":
            self._index += 1
        return token

    def _is_keyword(self, word: str) -> bool:
        token = self._peek()
        return token.kind == "name" and token.text == word

    def _expect(self, kind: str) -> _Token:
        token = self._peek()
        if token.kind != kind:
            raise self._error(token, f"'{kind}' expected")
        return self._advance()

    def _error(self, token: _Token, what: str) -> ODataFilterError:
        shown = token.text or "end of expression"
        return ODataFilterError(
            f"Syntax error at position {token.pos} in '{self._text}': {what} (found '{shown}')."
        )

    # grammar
    def _or(self) -> _Node:
        node = self._and()
        while self._is_keyword("or"):
            self._advance()
            node = _Logical("or", node, self._and())
        return node

    def _and(self) -> _Node:
        node = self._comparison()
        while self._is_keyword("and"):
            self._advance()
            node = _Logical("and", node, self._comparison())
        return node

    def _comparison(self) -> _Node:
        node = self._unary()
        while self._peek().kind == "name" and self._peek().text in _COMPARISONS:
            op = self._advance().text
            node = _Compare(op, node, self._unary())
        return node

    def _unary(self) -> _Node:
        if self._is_keyword("not"):
            self._advance()
            return _Not(self._unary())
        return self._primary()

    def _primary(self) -> _Node:
        token = self._peek()
        if token.kind == "(":
            self._advance()
            node = self._or()
            self._expect(")")
            return node
        if token.kind == "string":
            self._advance()
            return _Literal(token.text[1:-1].replace("''", "'"))
        if token.kind == "number":
            self._advance()
            text = token.text.rstrip("mMdDfFlL")
            is_float = any(c in text for c in ".eE") or token.text[-1] in "mMdDfF"
            return _Literal(float(text) if is_float else int(text))
        if token.kind == "name":
            if token.text in _LITERALS:
                self._advance()
                return _Literal(_LITERALS[token.text])
            if token.text in _KEYWORDS:
                raise self._error(token, "operand expected")
            if self._tokens[self._index + 1].kind == "(":
                return self._call()
            self._advance()
            if self._fields is not None and token.text not in self._fields:
                raise ODataFilterError(
                    f"No property '{token.text}' exists in type '{self._entity}' "
                    f"at position {token.pos}."
                )
            return _Field(token.text)
        raise self._error(token, "operand expected")

    def _call(self) -> _Node:
        name_token = self._advance()
        name = name_token.text
        if name not in _FUNCTIONS:
            raise ODataFilterError(
                f"Unknown function '{name}' at position {name_token.pos} in '{self._text}'."
            )
        self._expect("(")
        args: list[_Node] = []
        if self._peek().kind != ")":
            args.append(self._or())
            while self._peek().kind == ",":
                self._advance()
                args.append(self._or())
        self._expect(")")
        arity = _FUNCTIONS[name][0]
        if len(args) != arity:
            raise ODataFilterError(
                f"Function '{name}' at position {name_token.pos} takes {arity} argument(s), "
                f"got {len(args)}."
            )
        return _Call(name, tuple(args))


def parse_odata_filter(
    text: str, fields: Collection[str] | None = None, entity: str = "Entity"
) -> Callable[[Mapping[str, Any]], bool]:
    """Compile an OData v3 ``$filter`` expression into a row predicate.

    Supports ``eq ne gt ge lt le``, ``and or not``, parentheses, string literals with
    ``''`` escaping, numbers, ``null true false`` and the functions ``substringof``,
    ``startswith``, ``endswith``, ``indexof``, ``tolower``, ``toupper``, ``trim`` and
    ``length``. Comparisons are exact, so padded keys must be given padded.

    Parameters
    ----------
    text : str
        The filter expression, e.g. ``startswith(Codering_3,'BU0344')``.
    fields : Collection[str] or None, optional
        The property names that exist; other identifiers raise. ``None`` skips the check.
    entity : str, optional
        Entity type name used in error messages.

    Returns
    -------
    Callable[[Mapping[str, Any]], bool]
        True for rows that match. Raises :class:`ODataFilterError` on type errors.

    Raises
    ------
    ODataFilterError
        On syntax errors, unknown properties or functions.
    """
    node = _FilterParser(text, fields, entity).parse()

    def predicate(row: Mapping[str, Any]) -> bool:
        value = node.evaluate(row)
        if value is not None and not isinstance(value, bool):
            raise ODataFilterError(f"The $filter expression must evaluate to a boolean: '{text}'.")
        return value is True

    return predicate


# ---------------------------------------------------------------------------------------
# CBS StatLine OData v3
# ---------------------------------------------------------------------------------------


def too_many_records_message(limit: int = 10_000) -> str:
    """Return the error text of an over-large ``ODataApi`` query.

    Parameters
    ----------
    limit : int, optional
        The row limit, 10 000 on the real service.

    Returns
    -------
    str
        The message, containing ``"query returns more than <limit> records"``.
    """
    return (
        f"The query returns more than {limit} records. Select fewer records with $filter "
        f"or $top, or use the bulk feed (/ODataFeed) that pages the result."
    )


def synthetic_buurt_rows(
    typed_rows: list[dict[str, Any]], per_wijk: int
) -> list[tuple[dict[str, Any], str]]:
    """SYNTHETIC buurt rows for load tests: ``per_wijk`` per wijk, for gemeenten without buurten.

    Each is a copy of its wijk's row (the wijk's figures, so a page has a realistic size)
    with a buurt code ``BU<gemeente><wijk><nn>`` (``nn`` from 90 up, so they are easy to
    tell from real ones), ``SoortRegio`` ``Buurt`` and the name
    ``"Synthetische buurt <nn> (<wijkcode>)"``. These are not CBS figures.

    Returns
    -------
    list of (row, name)
    """
    if not typed_rows:
        return []
    keys = list(typed_rows[0])
    kind = next(k for k in keys if k.startswith("SoortRegio"))
    code = next(k for k in keys if k.startswith("Codering"))
    with_buurten = {
        str(r[code]).strip()[2:6] for r in typed_rows if str(r[kind]).strip() == "Buurt"
    }
    added: list[tuple[dict[str, Any], str]] = []
    next_id = max(int(r.get("ID", 0)) for r in typed_rows) + 1
    for row in typed_rows:
        wijk = str(row[code]).strip()
        if str(row[kind]).strip() != "Wijk" or wijk[2:6] in with_buurten:
            continue
        for nn in range(90, 90 + per_wijk):
            buurt = f"BU{wijk[2:]}{nn:02d}"
            new = {**row, "ID": next_id, "WijkenEnBuurten": f"{buurt:<10}",
                   kind: "Buurt     ", code: buurt}
            next_id += 1
            added.append((new, f"Synthetische buurt {nn} ({wijk})"))
    return added


@dataclass(frozen=True)
class _ODataQuery:
    filter: str | None
    select: str | None
    skip: int
    top: int | None


_DIMENSION_TYPES = frozenset({"Dimension", "TimeDimension", "GeoDimension", "GeoDetail"})
_TABLE_PATH = re.compile(r"^/(odatafeed|odataapi)/odata/([^/]+)(?:/([^/]*))?/?$", re.IGNORECASE)
_CATALOG_PATH = re.compile(r"^/odatacatalog/tables/?$", re.IGNORECASE)
_SUPPORTED_OPTIONS = frozenset({"$format", "$filter", "$select", "$top", "$skip"})


class CbsODataServer(LoopbackServer):
    """Imitation of ``opendata.cbs.nl`` (OData v3) serving ``fixtures/cbs-odata``.

    Serves ``/ODataFeed/odata/<table>/[<Name>]`` (paged, ``odata.nextLink``),
    ``/ODataApi/odata/<table>/[<Name>]`` (unpaged, HTTP 500 above ``row_limit`` rows) and
    ``/ODataCatalog/Tables``. Query options: ``$format``, ``$filter``, ``$select``,
    ``$top``, ``$skip``.

    Parameters
    ----------
    fixtures : Path
        The ``cbs-odata`` folder, one sub-folder per table id.
    page_size : int, optional
        Rows per ``ODataFeed`` response, 10 000 like the real feed.
    row_limit : int, optional
        Maximum rows of an ``ODataApi`` response, 10 000 like the real API.
    synthetic_buurten : int, optional
        For load tests: add this many **synthetic** buurten to every wijk of a gemeente
        that has no buurten in a table (0, the default: serve the fixtures as they are).
        See :func:`synthetic_buurt_rows`.
    host : str, optional
        Interface to bind.
    port : int, optional
        Port; 0 picks a free one.

    Notes
    -----
    Like the real service the server answers Atom XML by default; it does not imitate
    that and answers HTTP 406 unless ``$format=json`` is given or the ``Accept`` header
    asks for JSON.
    """

    service_name = "CBS OData"

    def __init__(
        self,
        fixtures: Path,
        page_size: int = 10_000,
        row_limit: int = 10_000,
        host: str = "127.0.0.1",
        port: int = 0,
        synthetic_buurten: int = 0,
    ) -> None:
        super().__init__(host=host, port=port)
        fixtures = Path(fixtures)
        if not fixtures.is_dir():
            raise FileNotFoundError(f"CBS fixture folder not found: {fixtures}")
        if not 0 <= synthetic_buurten <= 10:
            raise ValueError("synthetic_buurten must be between 0 and 10")
        self.synthetic_buurten = synthetic_buurten
        if page_size < 1 or row_limit < 1:
            raise ValueError("page_size and row_limit must be positive")
        self.fixtures = fixtures
        self.page_size = page_size
        self.row_limit = row_limit
        self._tables = {
            folder.name.lower(): folder
            for folder in sorted(fixtures.iterdir())
            if (folder / "_root.json").is_file()
        }

    @property
    def tables(self) -> list[str]:
        """The table identifiers served."""
        return [folder.name for folder in self._tables.values()]

    # -- error body ----------------------------------------------------------------------

    def error_response(self, status: int, message: str) -> Response:
        """Return an OData v3 JSON error body like the real service's."""
        payload = {"odata.error": {"code": "", "message": {"lang": "en-US", "value": message}}}
        return Response.json(
            payload, status=status, content_type="application/json;odata=minimalmetadata"
        )

    # -- routing -------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Route a request to the catalogue, a table root or a table resource."""
        if _CATALOG_PATH.match(request.path):
            return self._catalog(request)
        match = _TABLE_PATH.match(request.path)
        if match is None:
            segment = request.path.strip("/").split("/")[0] or request.path
            raise HttpError(404, f"Resource not found for the segment '{segment}'.")
        service = "ODataFeed" if match.group(1).lower() == "odatafeed" else "ODataApi"
        folder = self._tables.get(match.group(2).lower())
        if folder is None:
            raise HttpError(404, f"Resource not found for the segment '{match.group(2)}'.")
        name = match.group(3) or ""
        root = self._cache.load(folder / "_root.json")
        if name == "":
            self._check_json_format(request)
            return self._root(root, service)
        if name == "$metadata":
            raise HttpError(404, "$metadata (CSDL XML) is not imitated by the loopback server.")
        names = {entry["name"] for entry in root["value"]}
        if name not in names or not (folder / f"{name}.json").is_file():
            raise HttpError(404, f"Resource not found for the segment '{name}'.")
        self._check_json_format(request)
        return self._resource(request, service, folder, name)

    @staticmethod
    def _check_json_format(request: Request) -> None:
        params = request.params()
        fmt = params.get("$format")
        if fmt is not None:
            if fmt.lower() in ("json", "application/json"):
                return
            raise HttpError(406, f"$format={fmt} is not imitated by the loopback server; use json.")
        if "json" in request.headers.get("accept", "").lower():
            return
        raise HttpError(
            406,
            "The real service answers Atom XML without $format=json; the loopback server "
            "only serves JSON. Add $format=json.",
        )

    def _rebase(self, url: str, service: str = "ODataFeed") -> str:
        """Point a fixture URL at this server (and at ``service``)."""
        for origin_service in ("ODataFeed", "ODataApi"):
            prefix = f"{CBS_ORIGIN}/{origin_service}/"
            if url.startswith(prefix):
                return f"{self.url}/{service}/{url[len(prefix) :]}"
        if url.startswith(CBS_ORIGIN):
            return self.url + url[len(CBS_ORIGIN) :]
        return url

    def _root(self, root: Mapping[str, Any], service: str) -> Response:
        payload = {
            "odata.metadata": self._rebase(root["odata.metadata"], service),
            "value": [
                {**entry, "url": self._rebase(entry["url"], service)} for entry in root["value"]
            ],
        }
        return Response.json(payload, content_type=_ODATA_JSON)

    # -- query options -------------------------------------------------------------------

    @staticmethod
    def _parse_query(request: Request) -> _ODataQuery:
        params = request.params()
        for key in params:
            if key.startswith("$") and key not in _SUPPORTED_OPTIONS:
                raise HttpError(
                    400,
                    f"The query parameter '{key}' is not supported by the loopback server "
                    f"(supported: {', '.join(sorted(_SUPPORTED_OPTIONS))}).",
                )

        def non_negative(key: str) -> int | None:
            raw = params.get(key)
            if raw is None:
                return None
            if not raw.strip().isdigit():
                raise HttpError(400, f"Invalid value '{raw}' for {key}: expected an integer >= 0.")
            return int(raw)

        return _ODataQuery(
            filter=params.get("$filter"),
            select=params.get("$select"),
            skip=non_negative("$skip") or 0,
            top=non_negative("$top"),
        )

    def _fields(self, path: Path, rows: list[dict[str, Any]]) -> frozenset[str] | None:
        if not rows:
            return None

        def compute() -> frozenset[str]:
            return frozenset(key for row in rows for key in row)

        return self._cache.memo(path.with_suffix(".fields"), compute)

    @staticmethod
    def _apply(
        rows: list[dict[str, Any]],
        query: _ODataQuery,
        fields: frozenset[str] | None,
        entity: str,
    ) -> list[dict[str, Any]]:
        """Filter, skip, top and select ``rows`` (in this order, as OData does)."""
        result = rows
        if query.filter is not None:
            try:
                predicate = parse_odata_filter(query.filter, fields, entity)
                result = [row for row in rows if predicate(row)]
            except ODataFilterError as err:
                raise HttpError(400, str(err)) from err
        end = None if query.top is None else query.skip + query.top
        result = result[query.skip : end]
        if query.select is not None:
            keys = [key.strip() for key in query.select.split(",")]
            if "*" not in keys:
                if any(not key for key in keys):
                    raise HttpError(400, f"Syntax error in $select='{query.select}'.")
                unknown = [key for key in keys if fields is not None and key not in fields]
                if unknown:
                    raise HttpError(
                        400, f"No property '{unknown[0]}' exists in type '{entity}' ($select)."
                    )
                wanted = set(keys)
                result = [{k: v for k, v in row.items() if k in wanted} for row in result]
        return result

    def _next_link(self, base: str, query: _ODataQuery, skip: int, top: int | None) -> str:
        parts = ["$format=json"]
        if query.filter is not None:
            parts.append("$filter=" + quote(query.filter, safe="'(),"))
        if query.select is not None:
            parts.append("$select=" + quote(query.select, safe=","))
        if top is not None:
            parts.append(f"$top={top}")
        parts.append(f"$skip={skip}")
        return f"{base}?{'&'.join(parts)}"

    def _metadata_url(self, document: Mapping[str, Any], service: str, query: _ODataQuery) -> str:
        url = self._rebase(str(document.get("odata.metadata", "")), service)
        if query.select is not None and "#" in url:
            url += "&$select=" + query.select
        return url

    def _resource(self, request: Request, service: str, folder: Path, name: str) -> Response:
        query = self._parse_query(request)
        path = folder / f"{name}.json"
        document = self._document(folder, name)
        rows: list[dict[str, Any]] = document["value"]
        metadata = str(document.get("odata.metadata", ""))
        entity = metadata.rsplit("#", 1)[-1] if "#" in metadata else f"{folder.name}.{name}"
        result = self._apply(rows, query, self._fields(path, rows), entity)
        payload: dict[str, Any] = {"odata.metadata": self._metadata_url(document, service, query)}
        if service == "ODataApi":
            if len(result) > self.row_limit:
                raise HttpError(500, too_many_records_message(self.row_limit))
            payload["value"] = result
        else:
            payload["value"] = result[: self.page_size]
            if len(result) > self.page_size:
                top = None if query.top is None else query.top - self.page_size
                base = f"{self.url}/ODataFeed/odata/{folder.name}/{name}"
                payload["odata.nextLink"] = self._next_link(
                    base, query, query.skip + self.page_size, top
                )
        return Response.json(payload, content_type=_ODATA_JSON)

    def _document(self, folder: Path, name: str) -> dict[str, Any]:
        """The fixture file of an entity set; with synthetic buurten added when asked."""
        path = folder / f"{name}.json"
        document = self._cache.load(path)
        if not self.synthetic_buurten or name not in ("TypedDataSet", "WijkenEnBuurten"):
            return document

        def compute() -> dict[str, Any]:
            typed = self._cache.load(folder / "TypedDataSet.json")["value"]
            extra = synthetic_buurt_rows(typed, self.synthetic_buurten)
            if name == "TypedDataSet":
                added = [row for row, _ in extra]
            else:
                added = [
                    {"Key": row["WijkenEnBuurten"], "Title": title, "Description": "",
                     "DetailRegionCode": row["WijkenEnBuurten"].strip()}
                    for row, title in extra
                ]
            return {**document, "value": [*document["value"], *added]}

        return self._cache.memo(path.with_suffix(".synthetic"), compute)

    # -- catalogue -----------------------------------------------------------------------

    def _catalog_rows(self) -> list[dict[str, Any]]:
        def compute() -> list[dict[str, Any]]:
            folders = self._tables.values()
            return [self._catalog_entry(i, folder) for i, folder in enumerate(folders)]

        return self._cache.memo(self.fixtures / "_catalog", compute)

    def _catalog_entry(self, index: int, folder: Path) -> dict[str, Any]:
        info = self._cache.load(folder / "TableInfos.json")["value"][0]
        properties = self._cache.load(folder / "DataProperties.json")["value"]
        dimensions = [p["Key"] for p in properties if p.get("Type") in _DIMENSION_TYPES]
        topics = [p for p in properties if p.get("Type") == "Topic"]
        record_count = 1
        for key in dimensions:
            dim_path = folder / f"{key}.json"
            record_count *= len(self._cache.load(dim_path)["value"]) if dim_path.is_file() else 1
        table = str(info.get("Identifier", folder.name))
        api_url = f"{self.url}/ODataApi/OData/{table}"
        feed_url = f"{self.url}/ODataFeed/OData/{table}"
        summary = str(info.get("Summary", ""))
        return {
            "Updated": info.get("Modified", ""),
            "ID": index,
            "Identifier": table,
            "Title": info.get("Title", ""),
            "ShortTitle": info.get("ShortTitle", ""),
            "ShortDescription": info.get("ShortDescription", ""),
            "Summary": summary,
            "Modified": info.get("Modified", ""),
            "MetaDataModified": info.get("MetaDataModified", info.get("Modified", "")),
            "ReasonDelivery": info.get("ReasonDelivery", ""),
            "ExplanatoryText": info.get("ExplanatoryText", ""),
            "OutputStatus": info.get("OutputStatus", info.get("Status", "Regulier")),
            "Source": info.get("Source", "CBS."),
            "Language": info.get("Language", "nl"),
            "Catalog": info.get("Catalog", "CBS"),
            "Frequency": info.get("Frequency", ""),
            "Period": info.get("Period", ""),
            "SummaryAndLinks": (
                f'{summary}<br /><a href="{api_url}">{api_url}</a>'
                f'<br /><a href="{feed_url}">{feed_url}</a>'
            ),
            "ApiUrl": api_url,
            "FeedUrl": feed_url,
            "DefaultPresentation": info.get("DefaultPresentation", ""),
            "DefaultSelection": info.get("DefaultSelection", ""),
            "GraphTypes": info.get("GraphTypes", "Table"),
            "RecordCount": record_count,
            "ColumnCount": len(dimensions) + len(topics),
            "SearchKeywords": "",
        }

    def _catalog(self, request: Request) -> Response:
        self._check_json_format(request)
        query = self._parse_query(request)
        rows = self._catalog_rows()
        fields = frozenset(rows[0]) if rows else None
        result = self._apply(rows, query, fields, "Cbs.OData.Catalog.Table")
        payload = {"odata.metadata": f"{self.url}/ODataCatalog/$metadata#Tables", "value": result}
        return Response.json(payload, content_type=_ODATA_JSON)


# ---------------------------------------------------------------------------------------
# PDOK OGC API Features
# ---------------------------------------------------------------------------------------

_PDOK_PATH = re.compile(r"^/cbs/wijken-en-buurten-(\d{4})/ogc/v1(/.*)?$")
_PDOK_STANDARD_PARAMS = frozenset({"f", "limit", "offset", "crs"})


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class PdokServer(LoopbackServer):
    """Imitation of ``api.pdok.nl`` CBS Wijken en Buurten (OGC API Features).

    Serves ``/cbs/wijken-en-buurten-<year>/ogc/v1`` with ``/collections``,
    ``/collections/<c>``, ``/collections/<c>/items`` and ``/collections/<c>/items/<id>``.
    Items take ``f=json``, ``limit`` (default 10, capped at ``max_limit``), ``offset``,
    ``crs`` (CRS84 only) and ``<property>=<value>`` filters; unknown parameters are
    rejected with HTTP 400.

    Parameters
    ----------
    fixtures : Path
        The ``pdok`` folder with ``wijken-en-buurten-<year>/<collection>.json``.
    max_limit : int, optional
        Largest page size, 1 000 like the real service.
    default_limit : int, optional
        Page size when ``limit`` is absent, 10 like the real service.
    synthetic_buurten : int, optional
        For load tests: add this many **synthetic** buurten (rectangles, strips of the
        wijk's bounding box) to every wijk of a gemeente without buurten, with the codes
        and names of :func:`synthetic_buurt_rows`; 0 (default) serves the fixtures as
        they are.
    host : str, optional
        Interface to bind.
    port : int, optional
        Port; 0 picks a free one.

    Notes
    -----
    The real service (GoKoala) pages with an opaque ``cursor`` parameter; this server
    writes ``offset`` into its ``next`` links. Clients should follow ``next`` links and
    never build page URLs themselves.
    """

    service_name = "PDOK OGC API"

    def __init__(
        self,
        fixtures: Path,
        max_limit: int = 1000,
        default_limit: int = 10,
        host: str = "127.0.0.1",
        port: int = 0,
        synthetic_buurten: int = 0,
    ) -> None:
        super().__init__(host=host, port=port)
        fixtures = Path(fixtures)
        if not fixtures.is_dir():
            raise FileNotFoundError(f"PDOK fixture folder not found: {fixtures}")
        if not 0 <= synthetic_buurten <= 10:
            raise ValueError("synthetic_buurten must be between 0 and 10")
        self.synthetic_buurten = synthetic_buurten
        if max_limit < 1 or default_limit < 1:
            raise ValueError("max_limit and default_limit must be positive")
        self.fixtures = fixtures
        self.max_limit = max_limit
        self.default_limit = min(default_limit, max_limit)

    @property
    def years(self) -> list[int]:
        """The years that have a dataset folder."""
        prefix = "wijken-en-buurten-"
        return sorted(
            int(p.name[len(prefix) :])
            for p in self.fixtures.iterdir()
            if p.is_dir() and p.name.startswith(prefix) and p.name[len(prefix) :].isdigit()
        )

    def error_response(self, status: int, message: str) -> Response:
        """Return an RFC 7807 problem body, as GoKoala does."""
        payload = {
            "title": _phrase(status, "Error"),
            "status": status,
            "detail": message,
            "timeStamp": _timestamp(),
        }
        return Response.json(payload, status=status, content_type=_PROBLEM_JSON)

    # -- helpers -------------------------------------------------------------------------

    def _dataset_dir(self, year: str) -> Path:
        folder = self.fixtures / f"wijken-en-buurten-{year}"
        if not folder.is_dir():
            raise HttpError(404, f"Dataset wijken-en-buurten-{year} not found.")
        return folder

    @staticmethod
    def _collection_ids(folder: Path) -> list[str]:
        return sorted(p.stem for p in folder.glob("*.json"))

    def _features(self, folder: Path, collection: str) -> list[dict[str, Any]]:
        path = folder / f"{collection}.json"
        if collection not in self._collection_ids(folder):
            raise HttpError(404, f"Collection '{collection}' not found.")
        features = self._cache.load(path)["features"]
        if not self.synthetic_buurten or collection != "buurten":
            return features
        wijken = folder / "wijken.json"
        if not wijken.is_file():
            return features

        def compute() -> list[dict[str, Any]]:
            extra = synthetic_buurt_features(
                self._cache.load(wijken)["features"], features, self.synthetic_buurten
            )
            return [*features, *extra]

        return self._cache.memo(path.with_suffix(".synthetic"), compute)

    def _properties(self, folder: Path, collection: str) -> frozenset[str]:
        features = self._features(folder, collection)

        def compute() -> frozenset[str]:
            return frozenset(key for f in features for key in (f.get("properties") or {}))

        return self._cache.memo(folder / f"{collection}.properties", compute)

    @staticmethod
    def _check_format(params: Mapping[str, str]) -> None:
        fmt = params.get("f")
        if fmt is not None and fmt != "json":
            raise HttpError(
                400, f"Format f={fmt} is not imitated by the loopback server; use f=json."
            )

    def _collection_doc(self, base: str, year: str, collection: str) -> dict[str, Any]:
        href = f"{base}/collections/{collection}"
        return {
            "id": collection,
            "title": collection.capitalize(),
            "description": f"CBS {collection} {year} (loopback fixture)",
            "itemType": "feature",
            "crs": [CRS84],
            "storageCrs": CRS84,
            "links": [
                {
                    "rel": "self",
                    "type": "application/json",
                    "title": "This document as JSON",
                    "href": f"{href}?f=json",
                },
                {
                    "rel": "items",
                    "type": _GEOJSON,
                    "title": "Items as GeoJSON",
                    "href": f"{href}/items?f=json",
                },
            ],
        }

    # -- routing -------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Route landing page, conformance, collections and items."""
        match = _PDOK_PATH.match(request.path)
        if match is None:
            raise HttpError(404, f"Not found: {request.path}")
        year = match.group(1)
        folder = self._dataset_dir(year)
        base = f"{self.url}/cbs/wijken-en-buurten-{year}/ogc/v1"
        rest = (match.group(2) or "").rstrip("/")
        parts = rest.split("/")[1:] if rest else []
        params = request.params()

        if not parts:
            self._check_format(params)
            return Response.json(
                {
                    "title": f"CBS Wijken en Buurten {year}",
                    "description": "Loopback imitation of the PDOK OGC API Features.",
                    "links": [
                        {"rel": "self", "type": "application/json", "href": f"{base}?f=json"},
                        {
                            "rel": "conformance",
                            "type": "application/json",
                            "href": f"{base}/conformance?f=json",
                        },
                        {
                            "rel": "data",
                            "type": "application/json",
                            "href": f"{base}/collections?f=json",
                        },
                    ],
                }
            )
        if parts == ["conformance"]:
            self._check_format(params)
            return Response.json(
                {
                    "conformsTo": [
                        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                    ]
                }
            )
        if parts[0] != "collections":
            raise HttpError(404, f"Not found: {request.path}")
        if len(parts) == 1:
            self._check_format(params)
            return Response.json(
                {
                    "links": [
                        {
                            "rel": "self",
                            "type": "application/json",
                            "href": f"{base}/collections?f=json",
                        }
                    ],
                    "collections": [
                        self._collection_doc(base, year, c) for c in self._collection_ids(folder)
                    ],
                }
            )
        collection = parts[1]
        if collection not in self._collection_ids(folder):
            raise HttpError(404, f"Collection '{collection}' not found.")
        if len(parts) == 2:
            self._check_format(params)
            return Response.json(self._collection_doc(base, year, collection))
        if parts[2] != "items" or len(parts) > 4:
            raise HttpError(404, f"Not found: {request.path}")
        if len(parts) == 4:
            return self._item(params, folder, collection, parts[3], base)
        return self._items(request, params, folder, collection, base)

    def _item(
        self, params: Mapping[str, str], folder: Path, collection: str, item_id: str, base: str
    ) -> Response:
        self._check_format(params)
        for feature in self._features(folder, collection):
            if str(feature.get("id")) == item_id:
                href = f"{base}/collections/{collection}/items/{item_id}"
                links = [
                    {
                        "rel": "self",
                        "type": _GEOJSON,
                        "title": "This document as GeoJSON",
                        "href": f"{href}?f=json",
                    },
                    {
                        "rel": "collection",
                        "type": "application/json",
                        "title": "The collection to which this feature belongs",
                        "href": f"{base}/collections/{collection}?f=json",
                    },
                ]
                return Response.json({**feature, "links": links}, content_type=_GEOJSON)
        raise HttpError(404, f"Feature '{item_id}' not found in collection '{collection}'.")

    @staticmethod
    def _int_param(params: Mapping[str, str], key: str, default: int, minimum: int) -> int:
        raw = params.get(key)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise HttpError(400, f"Invalid value for parameter '{key}': '{raw}'.") from None
        if value < minimum:
            raise HttpError(400, f"Parameter '{key}' must be >= {minimum}, got {value}.")
        return value

    def _items(
        self,
        request: Request,
        params: Mapping[str, str],
        folder: Path,
        collection: str,
        base: str,
    ) -> Response:
        self._check_format(params)
        properties = self._properties(folder, collection)
        unknown = [k for k in params if k not in _PDOK_STANDARD_PARAMS and k not in properties]
        if unknown:
            raise HttpError(
                400,
                f"Unknown query parameter(s) {', '.join(sorted(unknown))}; allowed are "
                f"{', '.join(sorted(_PDOK_STANDARD_PARAMS))} and the properties "
                f"{', '.join(sorted(properties))}.",
            )
        crs = params.get("crs")
        if crs is not None and crs != CRS84:
            raise HttpError(400, f"crs={crs} is not imitated by the loopback server; use {CRS84}.")
        limit = min(self._int_param(params, "limit", self.default_limit, 1), self.max_limit)
        offset = self._int_param(params, "offset", 0, 0)
        filters = {k: v for k, v in params.items() if k in properties}

        features = self._features(folder, collection)
        if filters:
            features = [
                f
                for f in features
                if all(
                    _property_matches((f.get("properties") or {}).get(k), v)
                    for k, v in filters.items()
                )
            ]
        page = features[offset : offset + limit]
        href = f"{base}/collections/{collection}/items"

        def link(rel: str, title: str, new_offset: int | None) -> dict[str, str]:
            query = [(k, v) for k, v in request.query if k not in ("f", "limit", "offset")]
            query = [("f", "json"), *query, ("limit", str(limit))]
            if new_offset:
                query.append(("offset", str(new_offset)))
            return {
                "rel": rel,
                "title": title,
                "type": _GEOJSON,
                "href": f"{href}?{urlencode(query)}",
            }

        links = [link("self", "This document as GeoJSON", offset)]
        if offset > 0:
            links.append(link("prev", "Previous page", max(offset - limit, 0)))
        if offset + limit < len(features):
            links.append(link("next", "Next page", offset + limit))
        payload = {
            "type": "FeatureCollection",
            "timeStamp": _timestamp(),
            "links": links,
            "features": page,
            "numberReturned": len(page),
        }
        return Response.json(payload, content_type=_GEOJSON)


def _bbox(geometry: Mapping[str, Any]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], int | float):
            xs.append(float(coords[0]))
            ys.append(float(coords[1]))
        else:
            for part in coords:
                walk(part)

    walk(geometry.get("coordinates") or [])
    return min(xs), min(ys), max(xs), max(ys)


def synthetic_buurt_features(
    wijken: list[dict[str, Any]], buurten: list[dict[str, Any]], per_wijk: int
) -> list[dict[str, Any]]:
    """SYNTHETIC buurt features for load tests (codes and names as :func:`synthetic_buurt_rows`).

    For every wijk of a gemeente without buurten: ``per_wijk`` rectangles that split the
    wijk's bounding box in vertical strips. Not a real map.
    """
    with_buurten = {str((f.get("properties") or {}).get("gemeentecode")) for f in buurten}
    added: list[dict[str, Any]] = []
    next_id = max([int(f["id"]) for f in buurten if str(f.get("id", "")).isdigit()] or [0]) + 1
    for wijk in wijken:
        props = wijk.get("properties") or {}
        if props.get("gemeentecode") in with_buurten or not wijk.get("geometry"):
            continue
        x0, y0, x1, y1 = _bbox(wijk["geometry"])
        step = (x1 - x0) / per_wijk
        code = str(props["wijkcode"])
        for i, nn in enumerate(range(90, 90 + per_wijk)):
            left, right = x0 + i * step, x0 + (i + 1) * step
            ring = [[left, y0], [right, y0], [right, y1], [left, y1], [left, y0]]
            buurt = f"BU{code[2:]}{nn:02d}"
            added.append({
                "type": "Feature",
                "id": next_id,
                "properties": {
                    "buurtcode": buurt,
                    "buurtnaam": f"Synthetische buurt {nn} ({code})",
                    "wijkcode": code,
                    "gemeentecode": props.get("gemeentecode"),
                    "gemeentenaam": props.get("gemeentenaam"),
                    "water": "NEE",
                    "jrstatcode": f"synthetisch{buurt}",
                },
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            })
            next_id += 1
    return added


def _property_matches(value: Any, wanted: str) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return str(value).lower() == wanted.lower()
    return str(value) == wanted


# ---------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------


def _default_fixtures() -> Path:
    shared = os.environ.get("WIJKLIB_SHARED")
    base = Path(shared) if shared else Path(__file__).resolve().parents[1].parent / "shared"
    return base / "fixtures"


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Turn SIGTERM into KeyboardInterrupt so that ``main`` shuts down cleanly."""
    raise KeyboardInterrupt


def main(argv: Iterable[str] | None = None) -> int:
    """Serve both loopback services until Ctrl-C.

    Parameters
    ----------
    argv : Iterable[str] or None, optional
        Command-line arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status.
    """
    parser = argparse.ArgumentParser(
        description="Serve the CBS OData and PDOK fixtures on 127.0.0.1 until Ctrl-C."
    )
    parser.add_argument(
        "--fixtures",
        type=Path,
        default=_default_fixtures(),
        help="folder with cbs-odata/ and pdok/ (default: $WIJKLIB_SHARED/fixtures)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--cbs-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--pdok-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--page-size", type=int, default=10_000, help="ODataFeed rows per page")
    parser.add_argument("--row-limit", type=int, default=10_000, help="ODataApi row limit")
    parser.add_argument("--max-limit", type=int, default=1000, help="PDOK largest page size")
    args = parser.parse_args(None if argv is None else list(argv))

    cbs = CbsODataServer(
        args.fixtures / "cbs-odata",
        page_size=args.page_size,
        row_limit=args.row_limit,
        host=args.host,
        port=args.cbs_port,
    )
    pdok = PdokServer(
        args.fixtures / "pdok", max_limit=args.max_limit, host=args.host, port=args.pdok_port
    )
    with cbs, pdok:
        print(f"CBS OData   (tables {', '.join(cbs.tables)}): {cbs.url}")
        print(f"PDOK OGC API (years {', '.join(map(str, pdok.years))}): {pdok.url}")
        print(f"export WIJKLIB_CBS_URL={cbs.url} WIJKLIB_PDOK_URL={pdok.url}")
        print("Press Ctrl-C to stop.", flush=True)
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
