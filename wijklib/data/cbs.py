"""CBS Kerncijfers wijken en buurten (KWB): the catalogue through ``cbsodata``, data pages
through our own thin OData layer (:mod:`wijklib.data.odata`, which says why).

Every CBS table is found by year (a known list plus the CBS catalogue for newer years),
every variable by its title and unit (:mod:`wijklib.data.catalog`), and every download is cached
(:mod:`wijklib.data.cache`). Per table, gemeente and level: one filtered request for the rows
(only the columns the catalogue uses) and one for the names of just those regions; the
table's DataProperties once per table. The finished table is cached too, so a warm call is
little more than one Parquet read.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import requests

from wijklib.config import settings
from wijklib.data import cache, catalog, odata
from wijklib.data.gemeenten import normalise_name, parse_code, resolve
from wijklib.data.net import Call, Failed, NetError, NotFound, call_with_retries, user_error
from wijklib.errors import (
    DataNotAvailableError,
    InvalidChoiceError,
    NoConnectionError,
    ServiceError,
)
from wijklib.guarantees import provenance as prov

log = logging.getLogger(__name__)

#: KWB table per year, as published by CBS. Newer years are found in the CBS catalogue.
KNOWN_TABLES = {
    2017: "83765NED",
    2018: "84286NED",
    2019: "84583NED",
    2020: "84799NED",
    2021: "85039NED",
    2022: "85318NED",
    2023: "85618NED",
    2024: "85984NED",
    2025: "86165NED",
}

KWB_TITLE = "Kerncijfers wijken en buurten"

#: Levels a participant can ask for: CBS "Soort regio" and the code prefix.
LEVELS = {"gemeente": ("Gemeente", "GM"), "wijk": ("Wijk", "WK"), "buurt": ("Buurt", "BU")}

#: How many years older than the newest table an indicator may be (``jaar=None``): the
#: bound is in years, not in tables, so a catalogue without the years between does not
#: reach further back.
MAX_FALLBACK_YEARS = 2
#: Kept for callers of the old name: the bound is in years.
MAX_FALLBACK_TABLES = MAX_FALLBACK_YEARS

#: ``Indelingswijziging…`` values: 1 unchanged, 2 new code same area, 3 changed area.
UNCHANGED = "1"

#: How long the list of tables is trusted before it is asked again (seconds).
CATALOGUE_TTL = 7 * 24 * 3600

SERVICE = "CBS (opendata.cbs.nl)"

#: ``kerncijfers(None)`` and ``kerncijfers("Nederland")``: every region of the country.
COUNTRY_NAMES = frozenset({"nederland", "heel nederland", "nl", "land"})

#: How many times the usual deadline (``WIJKLIB_TIMEOUT``) a whole-country call may take.
COUNTRY_BUDGET = 4

#: Bump when the layout of the cached finished tables changes.
FINISHED_FORMAT = 1

# cbsodata keeps its scheme in a global option; requests from threads must not mix.
_CLIENT_LOCK = threading.RLock()

REGION_COLUMNS = [
    "code",
    "naam",
    "niveau",
    "gemeentecode",
    "gemeentenaam",
    "wijkcode",
    "indelingswijziging",
    "postcode",
]


@dataclass(frozen=True)
class TableRef:
    """A KWB table: its year and CBS identifier."""

    year: int
    table_id: str
    title: str = ""
    modified: str = ""


#: The state of one user call (deadline, counters); kept under the old name too.
_Call = Call


def odata_client(url: str):
    """Point ``cbsodata`` at another CBS OData v3 service (e.g. ``dataderden.cbs.nl``).

    A context manager that yields the keyword arguments for ``cbsodata`` calls
    (``catalog_url``, ``timeout``, ``proxies``), with the same scheme handling as the
    KWB downloads.
    """
    return _client(url)


@contextmanager
def _client(url: str | None = None, timeout: float | None = None
            ) -> Iterator[dict[str, Any]]:
    """Point ``cbsodata`` at ``url`` (default ``WIJKLIB_CBS_URL``) for a request."""
    import cbsodata

    cfg = settings()
    base = url or cfg.cbs_url
    parts = urlsplit(base)
    catalog_url = (parts.netloc + parts.path).rstrip("/")
    with _CLIENT_LOCK:
        old = cbsodata.options.use_https
        cbsodata.options.use_https = parts.scheme != "http"
        try:
            # cbsodata copies http_proxy at import and ignores no_proxy; decide per URL.
            proxies = requests.utils.get_environ_proxies(base)
            yield {"catalog_url": catalog_url, "timeout": timeout or cfg.timeout,
                   "proxies": proxies}
        finally:
            cbsodata.options.use_https = old


def _offline_error(call: Call, what: str, gemeente: str | None = None) -> Exception:
    """The Dutch error for the network failure this call ran into."""
    if call.failure is not None:
        return user_error(call.failure, SERVICE, what, gemeente, call)
    return NoConnectionError(SERVICE, what, gemeente)


def _note(call: Call, err: NetError) -> None:
    """Remember the first network failure of a call (later requests then fail at once)."""
    if call.failure is None:
        call.failure = err


# --------------------------------------------------------------------------- tables


def _year_of(entry: dict[str, Any]) -> int | None:
    for text in (entry.get("Period", ""), entry.get("Title", "")):
        match = re.search(r"(20\d\d)", str(text))
        if match:
            return int(match.group(1))
    return None


def _catalogue_tables(call: _Call) -> list[TableRef] | None:
    """Ask the CBS catalogue for the KWB tables; None when it cannot be reached."""
    import cbsodata

    def fetch(timeout: float) -> list[dict[str, Any]]:
        with _client(timeout=timeout) as kw:
            return cbsodata.get_table_list(
                filters=f"substringof('{KWB_TITLE}',Title)",
                select=["Identifier", "Title", "Period", "Modified"],
                **kw,
            )

    # cbsodata does this well in one request (it knows the catalogue's URL and query); it
    # cannot be given our session, so the call itself is retried. Asked once a week.
    try:
        entries = call_with_retries(fetch, "CBS catalogue", call)
    except NetError:
        return None  # the cached or known list of tables is used
    refs = []
    for entry in entries:
        title = str(entry.get("Title", "")).strip()
        if not title.startswith(KWB_TITLE):
            continue
        year = _year_of(entry)
        if year is None:
            continue
        refs.append(
            TableRef(year, str(entry["Identifier"]).strip(), title, str(entry.get("Modified", "")))
        )
    return refs


def tables(refresh: bool = False, _call: _Call | None = None) -> list[TableRef]:
    """List the KWB tables, newest first.

    The CBS catalogue is asked at most once a week (or when ``refresh``); without a
    connection the last answer is used, and without that the known list.

    Returns
    -------
    list of TableRef
    """
    call = _call or Call()
    if not refresh and "tables" in call.memo:
        return call.memo["tables"]
    call.memo["tables"] = refs = _tables(call, refresh)
    return refs


def _tables(call: Call, refresh: bool) -> list[TableRef]:
    cached = cache.get_json("cbs/tabellen")
    if cached is not None and not refresh and cache.age_seconds(cached[1]) < CATALOGUE_TTL:
        return [TableRef(**r) for r in cached[0]]
    found = _catalogue_tables(call)
    if found:
        by_year = {r.year: r for r in sorted(found, key=lambda r: r.modified)}
        refs = sorted(by_year.values(), key=lambda r: r.year, reverse=True)
        cache.put_json(
            "cbs/tabellen",
            [r.__dict__ for r in refs],
            {"source": SERVICE, "url": settings().cbs_url + "/ODataCatalog/Tables"},
        )
        return refs
    if cached is not None:
        return [TableRef(**r) for r in cached[0]]
    return [TableRef(y, t) for y, t in sorted(KNOWN_TABLES.items(), reverse=True)]


def _table_for_year(jaar: int, refs: list[TableRef]) -> TableRef:
    for ref in refs:
        if ref.year == int(jaar):
            return ref
    years = ", ".join(str(r.year) for r in sorted(refs, key=lambda r: r.year))
    raise DataNotAvailableError(
        f"Voor het jaar {jaar} is er (nog) geen tabel Kerncijfers wijken en buurten. "
        f"Kies een van deze jaren: {years}. Of laat jaar leeg voor de nieuwste cijfers."
    )


# ------------------------------------------------------------------------ metadata


_METADATA: dict[tuple[str, str], dict[str, Any]] = {}


def _metadata(ref: TableRef, call: Call) -> dict[str, Any] | None:
    """DataProperties and TableInfos of a table, fetched once per table; None if absent.

    Kept in memory and in the cache. TableInfos is only asked for when the catalogue did
    not already give the title and date of the table.
    """
    key = f"cbs/{ref.table_id}/metadata"
    memo_key = (str(cache.cache_dir()), ref.table_id)
    if memo_key in _METADATA:
        return _METADATA[memo_key]
    cached = cache.get_json(key)
    if cached is not None:
        _METADATA[memo_key] = cached[0]
        return cached[0]
    base = settings().cbs_url
    try:
        props = odata.fetch(call, base, ref.table_id, "DataProperties")
        if ref.title and ref.modified:
            info = {"Identifier": ref.table_id, "Title": ref.title, "Modified": ref.modified}
        else:
            infos = odata.fetch(call, base, ref.table_id, "TableInfos")
            info = infos[0] if infos else {}
    except NotFound:
        return None
    except Failed as err:
        raise ServiceError(SERVICE, str(err)) from err
    meta = {"DataProperties": props, "TableInfos": info}
    cache.put_json(key, meta, {"source": SERVICE, "table_id": ref.table_id})
    _METADATA[memo_key] = meta
    return meta


def _region_keys(props: list[dict[str, Any]]) -> dict[str, str]:
    """Find the keys of the region fields by title (they are not hard-coded)."""
    keys: dict[str, str] = {}
    for prop in props:
        title = catalog.normalise_title(prop.get("Title", ""))
        if prop.get("Type") == "GeoDetail":
            keys["dimension"] = prop["Key"]
        elif prop.get("Type") != "Topic":
            continue
        elif title == "codering":
            keys["code"] = prop["Key"]
        elif title == "soort regio":
            keys["kind"] = prop["Key"]
        elif title == "gemeentenaam":
            keys["gemeentenaam"] = prop["Key"]
        elif title.startswith("indelingswijziging"):
            keys["change"] = prop["Key"]
        elif title == "meest voorkomende postcode":
            keys["postcode"] = prop["Key"]
    missing = {"dimension", "code", "kind", "gemeentenaam"} - set(keys)
    if missing:
        raise ServiceError(SERVICE, f"de tabel mist de velden {sorted(missing)}")
    return keys


# ---------------------------------------------------------------------------- rows


def _columns(props: list[dict[str, Any]], keys: dict[str, str]) -> list[str]:
    """The columns to ask for: the region fields and every variable the catalogue uses."""
    wanted = [keys["dimension"]] + [
        keys[k] for k in ("gemeentenaam", "kind", "code", "change", "postcode") if k in keys
    ]
    wanted += [hit["key"] for hit in catalog.match_properties(props).values()]
    return list(dict.fromkeys(wanted))


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]  # noqa: S324 (a cache key)


def _download_rows(
    ref: TableRef, filters: str, dim_filter: str, call: Call, select: list[str], dimension: str
) -> pd.DataFrame:
    """The typed rows for one filter, with the names of just those regions added.

    Two paged requests: ``TypedDataSet`` (``$filter``, ``$select``) and the region
    dimension filtered to the same regions (``Key``, ``Title`` only).
    """
    base = settings().cbs_url
    data = odata.fetch(call, base, ref.table_id, "TypedDataSet", filters, select)
    rows = pd.DataFrame(data, columns=select if not data else None)
    if rows.empty:
        rows["_naam"] = pd.Series(dtype="str")
        return rows
    regions = odata.fetch(call, base, ref.table_id, dimension, dim_filter, ["Key", "Title"])
    titles = {r["Key"]: str(r.get("Title", "")).strip() for r in regions}
    rows["_naam"] = rows[dimension].map(titles)
    return rows


def _rows(
    ref: TableRef, cache_key: str, filters_for, call: Call, gemeente: str | None = None,
    dim_filter: str = "",
) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    """Raw typed rows for one filter, from the cache or CBS; None if the table is absent.

    ``filters_for`` turns the table's region keys into the OData filter string;
    ``dim_filter`` selects the same regions in the region dimension (by ``Key``).
    """
    meta = _metadata(ref, call)
    if meta is None:
        return None
    props = meta["DataProperties"]
    keys = _region_keys(props)
    select = _columns(props, keys)
    # the columns asked for are part of the key: a catalogue with more variables refetches
    key = f"cbs/{ref.table_id}/{cache_key}-{_digest(select)}"
    cached = cache.get_frame(key)
    if cached is not None:
        return cached
    filters = filters_for(keys)
    try:
        rows = _download_rows(ref, filters, dim_filter, call, select, keys["dimension"])
    except NotFound:
        return None
    except Failed as err:
        raise ServiceError(SERVICE, str(err)) from err
    info = meta.get("TableInfos") or {}
    provenance = {
        "source": SERVICE,
        "table_id": ref.table_id,
        "title": str(info.get("Title", ref.title)).strip(),
        "year": ref.year,
        "modified": str(info.get("Modified", ref.modified))[:10],
        "filter": filters,
        "url": f"{settings().cbs_url}/ODataFeed/odata/{ref.table_id}/TypedDataSet",
        "rows": len(rows),
    }
    cache.put_frame(key, rows, provenance)
    return rows, provenance


def _level_filter(niveau: str, code: str | None):
    """The OData filter for the rows of one level (of one gemeente, or of the country)."""
    kind, prefix = LEVELS[niveau]
    if code is None:  # the whole country: every region of this level, paged by the feed
        return lambda k: f"{k['kind']} eq '{kind:<10}'"
    digits = code[2:]
    if niveau == "gemeente":
        return lambda k: f"{k['dimension']} eq '{code:<10}'"
    return lambda k: f"startswith({k['code']},'{prefix}{digits}')"


def _dimension_filter(niveau: str, code: str | None) -> str:
    """The same regions in the region dimension, whose ``Key`` is the padded code."""
    _, prefix = LEVELS[niveau]
    if code == "NL00" or (niveau == "gemeente" and code is not None):
        return f"Key eq '{code:<10}'"
    return f"startswith(Key,'{prefix}{'' if code is None else code[2:]}')"


def _shape(
    rows: pd.DataFrame, meta: dict[str, Any], provenance: dict[str, Any], niveau: str
) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """Turn raw typed rows into the stable layout: region columns + catalogue columns."""
    props = meta["DataProperties"]
    keys = _region_keys(props)
    found = catalog.match_properties(props)
    out = pd.DataFrame(index=range(len(rows)))
    if rows.empty:
        out = pd.DataFrame(columns=REGION_COLUMNS)
    else:
        codes = rows[keys["code"]].astype("str").str.strip()
        out["code"] = codes.to_numpy()
        names = rows["_naam"] if "_naam" in rows else codes
        out["naam"] = names.astype("str").str.strip().to_numpy()
        out["niveau"] = niveau
        gm = codes.str.slice(2, 6)
        out["gemeentecode"] = ("GM" + gm).where(~codes.str.startswith("NL")).to_numpy()
        out["gemeentenaam"] = (
            rows[keys["gemeentenaam"]].astype("str").str.strip()
            .where(~codes.str.startswith("NL")).to_numpy()
        )
        wijk = pd.Series(pd.NA, index=codes.index, dtype="str")
        wijk = wijk.mask(codes.str.startswith("BU"), "WK" + codes.str.slice(2, 8))
        wijk = wijk.mask(codes.str.startswith("WK"), codes)
        out["wijkcode"] = wijk.to_numpy()
        if "change" in keys and keys["change"] in rows:
            change = rows[keys["change"]].astype("str").str.strip().replace({".": pd.NA})
            out["indelingswijziging"] = change.to_numpy()
        else:
            out["indelingswijziging"] = pd.Series(pd.NA, index=out.index, dtype="str")
        # The most common 4-digit postcode of the area (text; "." when CBS has none).
        if "postcode" in keys and keys["postcode"] in rows:
            post = rows[keys["postcode"]].astype("str").str.strip()
            match = post.str.fullmatch(r"\d{4}").fillna(False).astype(bool)
            out["postcode"] = pd.array(post.where(match).to_numpy(), dtype="str")
        else:
            out["postcode"] = pd.Series(pd.NA, index=out.index, dtype="str")
    info: dict[str, dict[str, Any]] = {}
    values = {}
    for ind in catalog.catalogue():
        if ind.derived:
            continue
        hit = found.get(ind.naam)
        if hit is None or hit["key"] not in rows:
            values[ind.naam] = np.full(len(rows), np.nan)
            continue
        column = rows[hit["key"]]
        factor = float(hit.get("factor", 1.0))
        # a column CBS left empty (all null) is NaN as it is; converting it is most of the
        # work for a large table, and to_number would give the same NaN
        values[ind.naam] = (np.full(len(rows), np.nan) if column.isna().all()
                            else (catalog.to_number(column) * factor).to_numpy())
        info[ind.naam] = {
            "table_id": provenance["table_id"],
            "year": int(provenance["year"]),
            "modified": provenance["modified"],
            "cbs_key": hit["key"],
            "cbs_title": hit["title"],
            "unit": hit["unit"],
        }
        if factor != 1.0:  # an exact unit conversion (catalog.EXACT_CONVERSIONS)
            info[ind.naam]["factor"] = factor
    figures = catalog.add_derived(pd.DataFrame(values, index=out.index))
    for ind in catalog.catalogue():
        if ind.derived and all(n in info for n in (ind.teller, *ind.noemer)):
            info[ind.naam] = {
                "table_id": provenance["table_id"],
                "year": int(provenance["year"]),
                "modified": provenance["modified"],
                "cbs_key": None,
                "cbs_title": ind.source,
                "unit": ind.eenheid,
            }
    columns = [i.naam for i in catalog.catalogue()]
    out = pd.concat([out.reset_index(drop=True), figures[columns].reset_index(drop=True)], axis=1)
    return out, info


def _load(
    ref: TableRef, niveau: str, code: str | None, call: Call, gemeente: str | None = None
) -> tuple[pd.DataFrame, dict[str, dict[str, Any]], dict[str, Any]] | None:
    """Rows of one table for one gemeente (None: the whole country) and level, shaped.

    Returns None if not available (absent table, or the network failed: ``call.failure``).
    """
    level = "land" if code == "NL00" else niveau
    if code == "NL00":
        cache_key = "nederland"
        filters_for = lambda k: f"{k['dimension']} eq '{'NL00':<10}'"  # noqa: E731
    else:
        cache_key = f"{niveau}-{code or 'nederland-alle'}"
        filters_for = _level_filter(niveau, code)
    try:
        got = _rows(ref, cache_key, filters_for, call, gemeente,
                    _dimension_filter(niveau, code))
        meta_value = _metadata(ref, call) if got is not None else None
    except NotFound:
        return None
    except NetError as err:
        _note(call, err)
        return None
    if got is None or meta_value is None:
        return None
    rows, provenance = got
    frame, info = _shape(rows, meta_value, provenance, level)
    return frame, info, provenance


# ----------------------------------------------------------------------- gemeenten


def gemeenten(jaar: int | None = None) -> pd.DataFrame:
    """List the gemeenten of a KWB year (default: the newest).

    Returns
    -------
    pandas.DataFrame
        Columns ``code`` (``GMnnnn``) and ``naam``, sorted by name.
    """
    call = Call()
    register = _register(call, jaar)
    if register is None:
        raise _offline_error(call, "de lijst met gemeenten")
    return register


def _register(call: _Call, jaar: int | None = None) -> pd.DataFrame | None:
    refs = tables(_call=call)
    candidates = [_table_for_year(jaar, refs)] if jaar is not None else refs
    for ref in candidates:
        entries = _register_entries(ref, call)
        if not entries:
            continue
        register = pd.DataFrame(entries, columns=["code", "naam"])
        return register.sort_values("naam", key=lambda s: s.str.casefold(), ignore_index=True)
    return None


def _register_entries(ref: TableRef, call: Call) -> list[list[str]] | None:
    """``[code, naam]`` of every gemeente in a table: one request for two columns.

    The region dimension holds exactly these (``Key`` is the padded code, ``Title`` the
    name), so the data set itself is not needed. None when unavailable.
    """
    key = f"cbs/{ref.table_id}/gemeentelijst"
    cached = cache.get_json(key)
    if cached is not None:
        return cached[0]
    if call.offline:
        return None
    meta = None
    try:
        meta = _metadata(ref, call)
        if meta is None:
            return None
        dimension = _region_keys(meta["DataProperties"])["dimension"]
        regions = odata.fetch(call, settings().cbs_url, ref.table_id, dimension,
                              "startswith(Key,'GM')", ["Key", "Title"])
    except NotFound:
        return None
    except Failed as err:
        raise ServiceError(SERVICE, str(err)) from err
    except NetError as err:
        _note(call, err)
        return None
    entries = [[str(r["Key"]).strip(), str(r.get("Title", "")).strip()] for r in regions]
    entries = [e for e in entries if re.fullmatch(r"GM\d{4}", e[0])]
    if entries:
        cache.put_json(key, entries, {
            "source": SERVICE, "table_id": ref.table_id, "year": ref.year,
            "url": odata.feed_url(settings().cbs_url, ref.table_id, dimension),
        })
    return entries


def resolve_gemeente(gemeente: str | int, _call: _Call | None = None) -> tuple[str, str]:
    """Return ``(code, naam)`` for a gemeente written as name, alias or code.

    Raises
    ------
    UnknownGemeenteError
        When the gemeente does not exist; the message suggests the closest names.
    """
    call = _call or Call()
    refs = tables(_call=call)
    memo_key = (str(cache.cache_dir()), refs[0].table_id if refs else "", str(gemeente))
    if memo_key in _RESOLVED:
        return _RESOLVED[memo_key]
    register = _register(call)
    if register is None:
        code = parse_code(gemeente)
        if code is not None:  # offline: trust a well-formed code
            return code, code
        raise _offline_error(call, "de lijst met gemeenten", str(gemeente))
    found = resolve(gemeente, register)
    _RESOLVED[memo_key] = found
    return found


_RESOLVED: dict[tuple[str, str, str], tuple[str, str]] = {}


def is_country(gemeente: str | int | None) -> bool:
    """Whether ``gemeente`` asks for the whole country (``None`` or ``"Nederland"``)."""
    if gemeente is None:
        return True
    return isinstance(gemeente, str) and normalise_name(gemeente) in COUNTRY_NAMES


# ------------------------------------------------------------------------- public


def check_level(niveau: str) -> str:
    niveau = str(niveau).strip().lower()
    if niveau not in LEVELS:
        raise InvalidChoiceError(
            f"Het niveau '{niveau}' bestaat niet. Kies 'gemeente', 'wijk' of 'buurt'."
        )
    return niveau


def _assemble(
    code: str, niveau: str, jaar: int | None, call: _Call, label: str, gemeente: str | None
) -> pd.DataFrame:
    refs = tables(_call=call)
    notes: list[str] = []
    tried: list[int] = []
    if jaar is not None:
        ref = _table_for_year(jaar, refs)
        loaded = _load(ref, niveau, code, call, gemeente)
        if loaded is None:
            if call.offline:
                raise _offline_error(call, f"de kerncijfers {jaar} van {label}", gemeente)
            raise DataNotAvailableError(
                f"CBS heeft in de tabel van {jaar} geen cijfers voor {label}."
            )
        base, info, provenance = loaded
        if base.empty:
            raise DataNotAvailableError(
                f"CBS heeft in de tabel van {jaar} geen cijfers voor {label}."
            )
    else:
        base = None
        skipped: list[int] = []
        for ref in refs:
            loaded = _load(ref, niveau, code, call, gemeente)
            if loaded is None or loaded[0].empty:
                skipped.append(ref.year)
                continue
            base, info, provenance = loaded
            break
        if base is None:
            if call.offline:
                raise _offline_error(call, f"de kerncijfers van {label}", gemeente)
            raise DataNotAvailableError(f"CBS heeft geen kerncijfers voor {label}.")
        base_year = int(provenance["year"])
        newer = [y for y in skipped if y > base_year]
        if newer:
            notes.append(
                f"De nieuwste cijfers voor {label} zijn van {base_year}: in de tabellen van "
                f"{_years_text(newer)} staan ze niet (of die waren niet bereikbaar)."
            )
        tried = _fall_back(base, info, refs, base_year, niveau, code, call, gemeente, notes)
    base_year = int(provenance["year"])
    meta = cache.get_json(f"cbs/{provenance['table_id']}/metadata")
    props = meta[0]["DataProperties"] if meta else []
    for naam, entry in info.items():
        entry["available"] = bool(base[naam].notna().any())
    base.attrs = {
        "source": "CBS, Kerncijfers wijken en buurten",
        "licence": "CC BY 4.0 (Bron: CBS)",
        "niveau": "land" if code == "NL00" else niveau,
        "gemeentecode": None if code == "NL00" else code,
        "table_id": provenance["table_id"],
        "year": base_year,
        "modified": provenance["modified"],
        "indicators": info,
        "notes": notes,
        "missing": _missing_reasons(base, info, props, base_year, tried),
    }
    # attrs do not survive merge or concat: the rows carry year, table and source too
    return prov.stamp(base, info, year=base_year,
                      table=provenance["table_id"], source=base.attrs["source"])


def _years_text(years: list[int]) -> str:
    years = sorted(set(years), reverse=True)
    text = [str(y) for y in years]
    return text[0] if len(text) == 1 else ", ".join(text[:-1]) + f" en {text[-1]}"


def _fall_back(
    base: pd.DataFrame,
    info: dict[str, dict[str, Any]],
    refs: list[TableRef],
    base_year: int,
    niveau: str,
    code: str,
    call: _Call,
    gemeente: str | None,
    notes: list[str],
) -> list[int]:
    """Fill indicators the base table lacks from older tables, nearest year first.

    At most :data:`MAX_FALLBACK_YEARS` years back. A row takes an older figure only when
    its code is the same in both years and ``Indelingswijziging…`` says the area did not
    change in any year in between; rows that changed stay empty, and the notes say so.
    Changes ``base``, ``info`` and ``notes`` in place; returns the years consulted.
    """
    older = sorted(
        (r for r in refs if base_year - MAX_FALLBACK_YEARS <= r.year < base_year),
        key=lambda r: base_year - r.year,
    )
    changes: dict[int, pd.Series | None] = {base_year: _changes(base)}
    filled: dict[int, list[str]] = {}
    tried: list[int] = []
    for ref in older:
        empty = [i.naam for i in catalog.catalogue() if base[i.naam].isna().all()]
        if not empty:
            break
        tried.append(ref.year)
        loaded = _load(ref, niveau, code, call, gemeente)
        if loaded is None:
            notes.append(
                f"De tabel van {ref.year} ({ref.table_id}) was niet te krijgen; cijfers die "
                f"in de tabel van {base_year} nog ontbreken, komen daarom niet uit {ref.year}."
            )
            continue
        older_frame, older_info, _ = loaded
        changes[ref.year] = _changes(older_frame)
        # every year after ref.year up to base_year must say "unchanged" for the row
        between = range(ref.year + 1, base_year + 1)
        unknown_years = [y for y in between if changes.get(y) is None]
        changed = pd.Series(False, index=base.index)
        for year in between:
            flags_of_year = changes.get(year)
            if flags_of_year is not None:
                flags = base["code"].map(flags_of_year)
                changed |= flags.notna() & (flags != UNCHANGED)
        lookup = older_frame.drop_duplicates("code").set_index("code")
        absent = ~base["code"].isin(lookup.index)
        taken = []
        for naam in empty:
            if naam not in older_info or not lookup[naam].notna().any():
                continue
            values = base["code"].map(lookup[naam]).astype("float64")
            base[naam] = values.where(~changed).to_numpy()
            info[naam] = dict(older_info[naam])
            taken.append(naam)
        if not taken:
            continue
        filled[ref.year] = taken
        if changed.any():
            codes = ", ".join(base.loc[changed, "code"].head(5))
            notes.append(
                f"{int(changed.sum())} gebied(en) hebben sinds {ref.year} een andere indeling "
                f"(grens of code veranderd, zie 'indelingswijziging'): {codes}. Daar staan "
                f"geen cijfers uit {ref.year}, want die gaan over een ander gebied."
            )
        if absent.any():
            notes.append(
                f"{int(absent.sum())} gebied(en) staan niet in de tabel van {ref.year} (nieuwe "
                f"code); daar ontbreken de cijfers uit {ref.year}."
            )
        if unknown_years:
            notes.append(
                f"Of de indeling in {_years_text(unknown_years)} gelijk bleef, kan ik niet "
                "nagaan (die tabel was er niet, of zegt het niet). Vergelijk de cijfers uit "
                f"{ref.year} dus voorzichtig."
            )
    if filled:
        parts = []
        for year, names in sorted(filled.items(), reverse=True):
            labels = [catalog.get(n).label for n in names]
            shown = ", ".join(labels[:4]) + (f" en {len(labels) - 4} andere" if len(labels) > 4
                                              else "")
            parts.append(f"uit {year}: {shown}")
        notes.append(
            f"Let op: deze tabel mengt jaren. De meeste cijfers zijn van {base_year}; "
            f"{'; '.join(parts)} (die staan nog niet in de tabel van {base_year}). Reken "
            "niet met cijfers uit verschillende jaren in één som, zoals inwoners gedeeld "
            "door huishoudens. De kolommen jaar_<naam> zeggen van welk jaar elk cijfer is."
        )
    return tried


def _changes(frame: pd.DataFrame) -> pd.Series | None:
    """Code -> ``Indelingswijziging`` value ("1", "2", "3" or missing) of one table.

    None when the table does not say (no such column, or no value at all).
    """
    if "indelingswijziging" not in frame or frame["indelingswijziging"].isna().all():
        return None
    values = frame["indelingswijziging"].astype("object").where(
        frame["indelingswijziging"].notna(), None)
    return pd.Series(values.to_numpy(), index=frame["code"].to_numpy()).groupby(level=0).first()


def _missing_reasons(
    base: pd.DataFrame,
    info: dict[str, dict[str, Any]],
    props: list[dict[str, Any]],
    year: int,
    tried: list[int],
) -> dict[str, str]:
    """Why each catalogue figure that is empty for every row is missing (Dutch)."""
    reasons: dict[str, str] = {}
    also = f" (ook niet in {_years_text(tried)})" if tried else ""
    for ind in catalog.catalogue():
        if base[ind.naam].notna().any():
            continue
        entry = info.get(ind.naam)
        if entry is not None:
            own = int(entry.get("year", year))
            reasons[ind.naam] = (
                f"nog niet gepubliceerd in de tabel van {own}, of geheim voor elk gebied"
                + (also if own == year else "")
            )
        elif props:
            reasons[ind.naam] = catalog.missing_reason(ind.naam, props, year) + also
        else:
            reasons[ind.naam] = f"niet in de tabel van {year}" + also
    return reasons


def kerncijfers(
    gemeente: str | int | None, jaar: int | None = None, niveau: str = "buurt"
) -> pd.DataFrame:
    """CBS Kerncijfers wijken en buurten for one gemeente, or for the whole country.

    Parameters
    ----------
    gemeente : str, int or None
        Name in any case (``"utrecht"``, ``"Den Bosch"``) or code (``"GM0344"``, ``344``).
        ``None`` or ``"Nederland"``: every gemeente, wijk or buurt of the country in one
        call (paged through the CBS feed; this call may take :data:`COUNTRY_BUDGET` times
        ``WIJKLIB_TIMEOUT``).
    jaar : int, optional
        Year of the table. ``None`` takes the newest table and, for each indicator that
        table does not have yet, the nearest older table that has it (at most
        :data:`MAX_FALLBACK_YEARS` years older, and only for areas whose boundaries did
        not change in between); ``df.attrs["indicators"]`` and the ``jaar_<naam>``
        columns say which year each column comes from, ``df.attrs["notes"]`` says in
        Dutch when one row mixes years, and ``df.attrs["missing"]`` why an empty column
        is empty.
    niveau : {"gemeente", "wijk", "buurt"}
        Level of the rows.

    Returns
    -------
    pandas.DataFrame
        One row per region: ``code``, ``naam``, ``niveau``, ``gemeentecode``,
        ``gemeentenaam``, ``wijkcode``, ``indelingswijziging``, then one float column per
        catalogue indicator. Missing or secret figures are NaN, never 0.

    Raises
    ------
    UnknownGemeenteError, NoConnectionError, DataNotAvailableError, InvalidChoiceError
    """
    niveau = check_level(niveau)
    call = Call()
    if is_country(gemeente):
        call.extend(COUNTRY_BUDGET)
        code, naam = None, "Nederland"
        label = f"heel Nederland op {niveau}niveau"
    else:
        code, naam = resolve_gemeente(gemeente, _call=call)
        label = f"{naam} op {niveau}niveau" if niveau != "gemeente" else f"de gemeente {naam}"
    finished_key = _finished_key(code, niveau, jaar, call)
    if finished_key is not None:
        warm = _finished(finished_key)
        if warm is not None:
            return warm
    frame = _assemble(code, niveau, jaar, call, label, naam)
    if code is None:
        frame.attrs["gemeente"] = "Nederland"
    else:
        frame.attrs["gemeente"] = naam if naam != code else (
            frame["gemeentenaam"].dropna().iloc[0]
            if frame["gemeentenaam"].notna().any() else code
        )
    if finished_key is not None and call.failure is None:  # never keep a half result
        _keep_finished(finished_key, frame)
    return frame


def _finished_key(code: str | None, niveau: str, jaar: int | None, call: Call) -> str | None:
    """Cache key of a finished table; it changes with the tables and the catalogue."""
    try:
        refs = tables(_call=call)
    except NetError:  # pragma: no cover - tables() falls back to the known list
        return None
    used = [(r.table_id, r.modified) for r in refs]
    version = _digest([FINISHED_FORMAT, _code_version(), used,
                       [i.naam for i in catalog.catalogue()]])
    return f"cbs/kerncijfers/{niveau}-{code or 'nederland-alle'}-{jaar or 'nieuwste'}-{version}"


@functools.cache
def _code_version() -> str:
    """A digest of the code and catalogue that build a finished table (read once).

    Any change to them (an update of the workbook) makes the cached finished tables stale,
    so they are rebuilt from the raw rows instead of being served in an old layout.
    """
    here = Path(__file__).resolve().parent
    digest = hashlib.sha1()  # noqa: S324 (a cache key, not security)
    for path in (here / "cbs.py", here / "catalog.py", here / "indicatoren.csv"):
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:10]


def _finished(key: str) -> pd.DataFrame | None:
    """A finished table from the cache, with its attrs; None when not cached."""
    got = cache.get_frame(key)
    if got is None:
        return None
    frame, meta = got
    attrs = meta.get("attrs")
    if not isinstance(attrs, dict):
        return None
    frame.attrs = attrs
    return frame


def _keep_finished(key: str, frame: pd.DataFrame) -> None:
    """Cache a finished table with its attrs (the sidecar holds them as JSON)."""
    attrs = json.loads(json.dumps(frame.attrs, default=str))
    cache.put_frame(key, frame, {
        "source": frame.attrs.get("source"), "table_id": frame.attrs.get("table_id"),
        "year": frame.attrs.get("year"), "rows": len(frame), "attrs": attrs,
    })


def kerncijfers_nederland(jaar: int | None = None) -> pd.DataFrame:
    """The Nederland row of the KWB table (same layout as :func:`kerncijfers`).

    Parameters
    ----------
    jaar : int, optional
        Year of the table; ``None`` as in :func:`kerncijfers`.
    """
    call = Call()
    frame = _assemble("NL00", "gemeente", jaar, call, "Nederland", None)
    frame["niveau"] = "land"
    frame.attrs["gemeente"] = None
    return frame
