"""A thin OData v3 reader for CBS tables (``opendata.cbs.nl``, ``dataderden.cbs.nl``).

Why not ``cbsodata`` for this: ``cbsodata`` opens a new ``requests.Session`` for every page
and accepts no session or transport, so a failure on page 3 of a download can only be
retried by starting the whole download again (root, every metadata name, every page), and
it always downloads the whole region dimension. Here each page is one
:func:`wijklib.data.net.get_json` request on the shared session, retried on its own within
the call's deadline, and only the entity sets and columns that are asked for are fetched.
``cbsodata`` stays in use for what it does well in one request: the CBS catalogue
(:func:`wijklib.data.cbs.tables`).

URLs are the ones ``cbsodata`` builds: ``{base}/ODataFeed/odata/{table}/{name}?$format=json``
with ``$filter`` and ``$select``; the feed pages long answers (at most 10 000 rows each)
with ``odata.nextLink``, which is followed until a page has none, so no request ever
returns more than the service's row limit.
"""

from __future__ import annotations

from typing import Any

from wijklib.data.net import Call, Unreadable, get_json

#: A guard against a server that never stops sending next links.
MAX_PAGES = 1000


def feed_url(base: str, table_id: str, name: str = "") -> str:
    """Return the ``ODataFeed`` URL of a table's entity set ``name`` (or the table root)."""
    return f"{base.rstrip('/')}/ODataFeed/odata/{table_id}/{name}"


def fetch(
    call: Call,
    base: str,
    table_id: str,
    name: str,
    filters: str | None = None,
    select: list[str] | None = None,
) -> list[dict[str, Any]]:
    """All rows of one entity set of a table, page by page.

    Parameters
    ----------
    call : Call
        The user call (deadline, counters).
    base : str
        Base URL of the service, e.g. ``https://opendata.cbs.nl``.
    table_id : str
        E.g. ``"85984NED"``.
    name : str
        Entity set: ``"TypedDataSet"``, ``"DataProperties"``, ``"WijkenEnBuurten"`` …
    filters : str, optional
        OData ``$filter`` expression.
    select : list of str, optional
        Columns (``$select``); None for all.

    Returns
    -------
    list of dict
        The rows of every page, in order.

    Raises
    ------
    NotFound, Failed, Offline, Unreadable, TooSlow
        From :func:`wijklib.data.net.get_json`; ``Unreadable`` also when a page is JSON
        but not an OData answer.
    """
    url: str | None = feed_url(base, table_id, name)
    params: dict[str, str] | None = {"$format": "json"}
    if filters:
        params["$filter"] = filters
    if select:
        params["$select"] = ",".join(select)
    rows: list[dict[str, Any]] = []
    what = f"{table_id}/{name}" + (f" ({filters})" if filters else "")
    for _ in range(MAX_PAGES):
        if url is None:
            return rows
        page = get_json(call, url, params, what)
        value = page.get("value") if isinstance(page, dict) else None
        if not isinstance(value, list):
            raise Unreadable(f"{what}: the answer has no list 'value'")
        rows.extend(value)
        url = page.get("odata.nextLink")
        params = None  # the next link carries the whole query
    raise Unreadable(f"{what}: more than {MAX_PAGES} pages")
