"""HTTP plumbing shared by the CBS and PDOK clients: one session, per-request retries, a deadline.

Every request is tried on its own (:func:`get_json`): a transient status (408, 425, 429,
5xx), a connection error, a body dropped half-way or JSON that cannot be read is retried
with exponential back-off and jitter, up to ``WIJKLIB_RETRIES`` attempts. A page that
fails is asked again, not the whole download. All requests of one user call share one
:class:`Call`, which holds the deadline (``WIJKLIB_TIMEOUT`` seconds for the whole call)
and counts requests and bytes; when the deadline passes the call stops with
:class:`TooSlow` instead of hanging.

One :class:`requests.Session` is reused for every request of the process (keep-alive,
the proxy settings of the environment per URL). Its urllib3 ``Retry`` only repeats a
connection that could not be opened (at once, without waiting); everything that needs the
deadline or an honest message is decided here.
"""

from __future__ import annotations

import email.utils
import inspect
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from wijklib.config import settings
from wijklib.errors import (
    NoConnectionError,
    ServiceError,
    ServiceSlowError,
    UnreadableAnswerError,
    WijklibError,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

#: HTTP statuses worth another try: rate limits and passing server trouble. Every other
#: 5xx counts too (e.g. a proxy's 520–524), except these two, which do not pass.
TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
PERMANENT_5XX = frozenset({501, 505})


def is_transient(status: int) -> bool:
    """Whether another attempt may get a better answer than HTTP ``status``."""
    return status in TRANSIENT_STATUS or (500 <= status <= 599 and status not in PERMANENT_5XX)

#: Share of the call's deadline one attempt may wait for an answer (so a hang leaves
#: room for another attempt within the same deadline).
ATTEMPT_SHARE = 1 / 3

#: Longest wait a ``Retry-After`` header can ask for, in seconds.
MAX_RETRY_AFTER = 30.0

CHUNK = 64 * 1024


class NetError(Exception):
    """Base of the failures below.

    Attributes
    ----------
    status : int or None
        The last HTTP status, or None when no answer came at all.
    attempts : int
        How many attempts were made.
    """

    def __init__(self, message: str, status: int | None = None, attempts: int = 1) -> None:
        super().__init__(message)
        self.status = status
        self.attempts = attempts


class NotFound(NetError):
    """The service answered 404: the table, year or collection does not exist there."""


class Offline(NetError):
    """No usable answer after all attempts: no connection, or a transient status each time.

    ``status`` is the last transient status (the service is there but in trouble), or None
    when the connection itself failed (no network, server down, body dropped half-way).
    """


class Unreadable(NetError):
    """The service answered every attempt, but with a body that is not readable JSON."""


class TooSlow(NetError):
    """The deadline of the call passed (a hanging or very slow service)."""


class Failed(NetError):
    """The service answered with an error that retrying does not solve (e.g. HTTP 400)."""


@dataclass
class Call:
    """The state of one user call, shared by all its requests.

    Attributes
    ----------
    budget : float
        Seconds the call may spend waiting on the network (``WIJKLIB_TIMEOUT``).
    deadline : float
        ``time.monotonic()`` value at which the call gives up.
    requests, bytes : int
        Requests made and body bytes received so far (for tests and benchmarks).
    failure : NetError or None
        Set once the network failed in a way that makes further requests pointless
        (offline, too slow); later requests of the same call then fail at once.
    memo : dict
        What the call already looked up once (e.g. the list of tables).
    """

    budget: float = field(default_factory=lambda: settings().timeout)
    deadline: float = 0.0
    requests: int = 0
    bytes: int = 0
    failure: NetError | None = None
    memo: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.deadline:
            self.deadline = time.monotonic() + self.budget

    @property
    def offline(self) -> bool:
        """Whether an earlier request of this call already gave up on the network."""
        return self.failure is not None

    @offline.setter
    def offline(self, value: bool) -> None:
        if not value:
            self.failure = None
        elif self.failure is None:
            self.failure = Offline("offline")

    def remaining(self) -> float:
        """Seconds left before the deadline (may be negative)."""
        return self.deadline - time.monotonic()

    def attempt_timeout(self) -> float:
        """Seconds one attempt may wait: a share of the budget, never past the deadline."""
        return max(0.0, min(self.remaining(), self.budget * ATTEMPT_SHARE))

    def extend(self, factor: float) -> None:
        """Give this call ``factor`` times its budget (e.g. for the whole country)."""
        extra = self.budget * (factor - 1)
        self.budget *= factor
        self.deadline += extra


_SESSION: requests.Session | None = None
_SESSION_LOCK = threading.Lock()


def session() -> requests.Session:
    """The one HTTP session of the process (created on first use, never at import)."""
    global _SESSION
    with _SESSION_LOCK:
        if _SESSION is None:
            sess = requests.Session()
            # Only a connection that could not be opened is retried here, at once; waits,
            # statuses, dropped bodies and the deadline are handled by get_json.
            retry = Retry(
                total=None, connect=1, read=0, status=0, other=0, redirect=5,
                backoff_factor=0, raise_on_status=False, allowed_methods=frozenset({"GET"}),
            )
            adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=8)
            sess.mount("http://", adapter)
            sess.mount("https://", adapter)
            sess.headers["Accept"] = "application/json"
            sess.headers["User-Agent"] = "wijklib (werkboek wijkprofiel en buurtagenda)"
            _SESSION = sess
        return _SESSION


class _Retryable(Exception):
    """One attempt failed in a way that another attempt may solve."""

    def __init__(self, kind: str, detail: str, status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.kind = kind  # "status", "connection", "timeout", "unreadable"
        self.status = status
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def backoff_wait(attempt: int, base: float, retry_after: float | None = None) -> float:
    """Seconds to wait before attempt ``attempt + 1`` (``attempt`` >= 1 failed so far).

    Exponential (``base``, ``2 × base``, ``4 × base`` …) with jitter (between half and the
    whole of it), so many participants do not retry in step; a ``Retry-After`` of the
    service is respected up to :data:`MAX_RETRY_AFTER` seconds.
    """
    wait = base * 2 ** (attempt - 1) * random.uniform(0.5, 1.0)  # noqa: S311 (not crypto)
    if retry_after is not None:
        wait = max(wait, min(retry_after, MAX_RETRY_AFTER))
    return wait


def _attempt(call: Call, url: str, params: Mapping[str, Any] | None, timeout: float,
             headers: Mapping[str, str] | None) -> Any:
    try:
        response = session().get(url, params=params, timeout=timeout, stream=True,
                                 headers=dict(headers or {}))
    except requests.Timeout as err:
        raise _Retryable("timeout", str(err)) from err
    except requests.ConnectionError as err:
        raise _Retryable("connection", str(err)) from err
    call.requests += 1
    with response:
        status = response.status_code
        if status == 404:
            raise NotFound(f"HTTP 404 {url}", status=404)
        if is_transient(status):
            raise _Retryable("status", f"HTTP {status}", status,
                             _retry_after(response.headers.get("Retry-After")))
        if status >= 400:
            raise Failed(f"HTTP {status}", status=status)
        body = bytearray()
        try:
            for chunk in response.iter_content(CHUNK):
                body += chunk
                if time.monotonic() > call.deadline:
                    raise _Retryable("timeout", "deadline passed while reading")
        except requests.Timeout as err:  # a body that stalls half-way
            raise _Retryable("timeout", str(err)) from err
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as err:  # dropped half-way
            raise _Retryable("connection", f"body broke off: {err}") from err
    call.bytes += len(body)
    try:
        return json.loads(bytes(body).decode("utf-8"))
    except ValueError as err:  # truncated or garbled JSON from a server that did answer
        raise _Retryable("unreadable", f"unreadable JSON ({len(body)} bytes): {err}",
                         status) from err


def get_json(call: Call, url: str, params: Mapping[str, Any] | None = None,
             what: str = "", headers: Mapping[str, str] | None = None) -> Any:
    """GET ``url`` and parse its JSON, retrying this one request when that may help.

    Parameters
    ----------
    call : Call
        The user call this request belongs to (deadline and counters).
    url : str
        Full URL; ``params`` are added as the query string.
    params : mapping, optional
        Query parameters.
    what : str
        Short description for the log and the exceptions.
    headers : mapping, optional
        Extra request headers.

    Returns
    -------
    The parsed JSON.

    Raises
    ------
    NotFound
        HTTP 404 (not retried).
    Failed
        Another non-transient status such as 400 (not retried).
    Offline
        No connection, a dropped body or a transient status on every attempt.
    Unreadable
        Every answer was unreadable JSON.
    TooSlow
        The call's deadline passed; later requests of the call fail at once.
    """
    if call.failure is not None:
        raise call.failure
    cfg = settings()
    last: _Retryable | None = None
    made = 0
    for attempt in range(cfg.retries):
        if attempt:
            assert last is not None
            wait = backoff_wait(attempt, cfg.backoff, last.retry_after)
            if wait >= call.remaining():
                break
            log.info("%s: attempt %d failed (%s); waiting %.2fs", what, attempt, last, wait)
            time.sleep(wait)
        remaining = call.remaining()
        if remaining <= 0:
            break
        made += 1
        try:
            return _attempt(call, url, params, call.attempt_timeout(), headers)
        except _Retryable as err:
            last = err
    attempts = made
    failure: NetError
    if call.remaining() <= 0 or last is None or last.kind == "timeout":
        failure = TooSlow(f"{what}: no answer within {call.budget:.0f} s", attempts=attempts)
    elif last.kind == "unreadable":
        raise Unreadable(f"{what}: {last}", status=last.status, attempts=attempts) from last
    elif last.kind == "status":
        raise Offline(f"{what}: HTTP {last.status}", status=last.status,
                      attempts=attempts) from last
    else:
        failure = Offline(f"{what}: {last}", attempts=attempts)
    call.failure = failure  # the network is gone or too slow: do not wait again
    raise failure from last


def user_error(err: NetError, service: str, what: str, gemeente: str | None = None,
               call: Call | None = None) -> WijklibError:
    """Translate a network failure into the Dutch error a participant sees.

    Parameters
    ----------
    err : NetError
        The failure from :func:`get_json`.
    service : str
        The service in words, e.g. ``"CBS (opendata.cbs.nl)"``.
    what : str
        What was being fetched, plural, e.g. ``"de kerncijfers van Utrecht"``.
    gemeente : str, optional
        For the example command in the message.
    call : Call, optional
        The call, for the number of seconds waited.
    """
    if isinstance(err, TooSlow):
        seconds = call.budget if call is not None else settings().timeout
        return ServiceSlowError(service, what, seconds, gemeente)
    if isinstance(err, Unreadable):
        return UnreadableAnswerError(service, err.attempts)
    if isinstance(err, Offline) and err.status is not None:
        return ServiceError(service, f"HTTP {err.status}")
    if isinstance(err, Offline):
        return NoConnectionError(service, what, gemeente)
    if isinstance(err, Failed):
        return ServiceError(service, str(err))
    return ServiceError(service, str(err))


def status_of(err: BaseException) -> int | None:
    """Return the HTTP status behind an exception, also when a client re-wrapped it.

    ``cbsodata`` re-raises ``HTTPError`` without its response; the original is the cause.
    """
    if isinstance(err, NetError):
        return err.status
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        response = getattr(current, "response", None)
        if response is not None and getattr(response, "status_code", None) is not None:
            return int(response.status_code)
        current = current.__cause__ or current.__context__
    return None


def call_with_retries(func: Callable[..., T], what: str, call: Call | None = None) -> T:
    """Run one single-request client call (e.g. ``cbsodata.get_table_list``) with retries.

    For clients that make exactly one request per call and cannot be given our session;
    a paged download must use :func:`get_json` per page instead. ``func`` gets the
    seconds this attempt may wait (pass it on as the client's ``timeout``); a ``func``
    without parameters is called without it.

    Raises
    ------
    NotFound, Failed, Offline, Unreadable, TooSlow
        As :func:`get_json`.
    """
    call = call or Call()
    if call.failure is not None:
        raise call.failure
    takes_timeout = bool(inspect.signature(func).parameters)
    cfg = settings()
    last: _Retryable | None = None
    for attempt in range(cfg.retries):
        if attempt:
            wait = backoff_wait(attempt, cfg.backoff)
            if wait >= call.remaining():
                break
            time.sleep(wait)
        if call.remaining() <= 0:
            break
        try:
            call.requests += 1
            return func(call.attempt_timeout()) if takes_timeout else func()  # type: ignore[call-arg]
        except requests.Timeout as err:
            last = _Retryable("timeout", str(err))
        except requests.exceptions.JSONDecodeError as err:  # truncated or garbled JSON
            last = _Retryable("unreadable", str(err))
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as err:
            last = _Retryable("connection", str(err))
        except requests.RequestException as err:
            status = status_of(err)
            if status == 404:
                raise NotFound(what, status=404) from err
            if status is not None and not is_transient(status):
                raise Failed(f"HTTP {status}", status=status) from err
            last = _Retryable("status" if status else "connection", str(err), status)
        except ValueError as err:  # a truncated or garbled JSON body
            last = _Retryable("unreadable", str(err))
    if call.remaining() <= 0 or last is None or last.kind == "timeout":
        call.failure = TooSlow(f"{what}: no answer within {call.budget:.0f} s")
        raise call.failure
    if last.kind == "unreadable":
        raise Unreadable(what, attempts=cfg.retries)
    if last.kind == "status":
        raise Offline(f"HTTP {last.status}", status=last.status, attempts=cfg.retries)
    call.failure = Offline(str(last), attempts=cfg.retries)
    raise call.failure
