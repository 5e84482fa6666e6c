"""HTTP plumbing shared by the CBS and PDOK clients: retries with back-off, error triage."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

import requests

from wijklib.config import settings

log = logging.getLogger(__name__)

T = TypeVar("T")

#: HTTP statuses worth another try: rate limits and passing server trouble.
TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class NotFound(Exception):
    """The service answered 404: the table, year or collection does not exist there."""


class Offline(Exception):
    """No usable answer after all attempts (no network, server down, time-outs, 5xx).

    Attributes
    ----------
    status : int or None
        The last HTTP status, or None when no answer came at all.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Failed(Exception):
    """The service answered with an error that retrying does not solve."""


def status_of(err: BaseException) -> int | None:
    """Return the HTTP status behind an exception, also when a client re-wrapped it.

    ``cbsodata`` re-raises ``HTTPError`` without its response; the original is the cause.
    """
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        response = getattr(current, "response", None)
        if response is not None and getattr(response, "status_code", None) is not None:
            return int(response.status_code)
        current = current.__cause__ or current.__context__
    return None


def _is_offline(err: BaseException) -> bool:
    return isinstance(err, requests.ConnectionError | requests.Timeout)


def call_with_retries(func: Callable[[], T], what: str) -> T:
    """Call ``func`` and retry passing failures with exponential back-off.

    Parameters
    ----------
    func : callable
        Performs the whole download; it must not cache anything itself before it returns.
    what : str
        Short description for the log.

    Returns
    -------
    Whatever ``func`` returns.

    Raises
    ------
    NotFound
        The service answered 404.
    Offline
        Every attempt failed on the connection or with a transient status.
    Failed
        A non-transient error status (other than 404).
    """
    cfg = settings()
    last: BaseException | None = None
    for attempt in range(cfg.retries):
        if attempt:
            wait = cfg.backoff * 2 ** (attempt - 1)
            log.info("%s: attempt %d failed (%s); waiting %.2fs", what, attempt, last, wait)
            time.sleep(wait)
        try:
            return func()
        except requests.RequestException as err:
            status = status_of(err)
            if status == 404:
                raise NotFound(what) from err
            if status is not None and status not in TRANSIENT_STATUS:
                raise Failed(f"HTTP {status}") from err
            if status is None and not _is_offline(err):
                raise Failed(str(err)) from err
            last = err
        except ValueError as err:  # a truncated or garbled JSON body: try again
            last = err
    status = status_of(last) if last is not None else None
    raise Offline(f"HTTP {status}" if status else str(last), status=status) from last
