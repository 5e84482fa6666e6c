"""CBS Kerncijfers wijken en buurten (KWB) through the ``cbsodata`` client.

Every CBS table is found by year (a known list plus the CBS catalogue for newer years),
every variable by its title and unit (:mod:`wijklib.data.catalog`), and every download is cached
(:mod:`wijklib.data.cache`). One filtered request per table, gemeente and level.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import requests

from wijklib.config import settings
from wijklib.data import cache, catalog
from wijklib.data.gemeenten import parse_code, resolve
from wijklib.data.net import Failed, NotFound, Offline, call_with_retries
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


@dataclass
class _Call:
    """State of one user call: once the network failed, do not try it again."""

    offline: bool = False
    failure: Offline | None = None


def odata_client(url: str):
    """Point ``cbsodata`` at another CBS OData v3 service (e.g. ``dataderden.cbs.nl``).

    A context manager that yields the keyword arguments for ``cbsodata`` calls
    (``catalog_url``, ``timeout``, ``proxies``), with the same scheme handling as the
    KWB downloads.
    """
    return _client(url)


@contextmanager
def _client(url: str | None = None) -> Iterator[dict[str, Any]]:
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
            yield {"catalog_url": catalog_url, "timeout": cfg.timeout, "proxies": proxies}
        finally:
            cbsodata.options.use_https = old


def _network(call: _Call, what: str, func):
    """Run a download unless this call is already known to be offline."""
    if call.offline:
        raise call.failure or Offline("offline")
    try:
        return call_with_retries(func, what)
    except Offline as err:
        call.offline = True
        call.failure = err
        raise


def _offline_error(call: _Call, what: str, gemeente: str | None = None) -> Exception:
    if call.failure is not None and call.failure.status is not None:
        return ServiceError(SERVICE, f"HTTP {call.failure.status}")
    return NoConnectionError(SERVICE, what, gemeente)


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

    def fetch() -> list[dict[str, Any]]:
        with _client() as kw:
            return cbsodata.get_table_list(
                filters=f"substringof('{KWB_TITLE}',Title)",
                select=["Identifier", "Title", "Period", "Modified"],
                **kw,
            )

    try:
        entries = _network(call, "CBS catalogue", fetch)
    except (Offline, NotFound, Failed):
        return None
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
    call = _call or _Call()
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


def _metadata(ref: TableRef, call: _Call) -> dict[str, Any] | None:
    """DataProperties and TableInfos of a table (cached); None if unavailable."""
    key = f"cbs/{ref.table_id}/metadata"
    cached = cache.get_json(key)
    if cached is not None:
        return cached[0]
    import cbsodata

    def fetch() -> dict[str, Any]:
        with _client() as kw:
            props = cbsodata.get_meta(ref.table_id, "DataProperties", **kw)
            info = cbsodata.get_info(ref.table_id, **kw) or {}
        return {"DataProperties": props, "TableInfos": info}

    try:
        meta = _network(call, f"metadata {ref.table_id}", fetch)
    except NotFound:
        return None
    except Failed as err:
        raise ServiceError(SERVICE, str(err)) from err
    cache.put_json(key, meta, {"source": SERVICE, "table_id": ref.table_id})
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


def _download_rows(
    ref: TableRef, filters: str, call: _Call, select: list[str] | None = None
) -> pd.DataFrame:
    """One filtered request for the typed data set; region names added from the dimension."""
    import cbsodata

    def fetch() -> dict[str, list[dict[str, Any]]]:
        with _client() as kw:
            # cbsodata 1.3.x has the `typed` flag inverted (cbsodata issue #20):
            # typed=False downloads the TypedDataSet. Check, so a fixed release also works.
            data = cbsodata.download_data(
                ref.table_id, typed=False, filters=filters, select=select, **kw
            )
            if "TypedDataSet" not in data:
                data = cbsodata.download_data(
                    ref.table_id, typed=True, filters=filters, select=select, **kw
                )
        return data

    data = _network(call, f"{ref.table_id} {filters}", fetch)
    rows = pd.DataFrame(data["TypedDataSet"])
    dim_titles = {r["Key"]: str(r.get("Title", "")).strip() for r in data.get(_dim_name(data), [])}
    if not rows.empty:
        dim = next((c for c in rows.columns if c in _dimension_names(data)), None)
        rows["_naam"] = rows[dim].map(dim_titles) if dim else None
    return rows


def _dimension_names(data: dict[str, Any]) -> set[str]:
    known = {"TableInfos", "TypedDataSet", "UntypedDataSet", "DataProperties", "CategoryGroups"}
    return set(data) - known


def _dim_name(data: dict[str, Any]) -> str:
    names = sorted(_dimension_names(data))
    return names[0] if names else ""


def _rows(
    ref: TableRef, cache_key: str, filters_for, call: _Call, gemeente: str | None = None
) -> tuple[pd.DataFrame, dict[str, Any]] | None:
    """Raw typed rows for one filter, from the cache or CBS; None if the table is absent.

    ``filters_for`` turns the table's region keys into the OData filter string.
    """
    key = f"cbs/{ref.table_id}/{cache_key}"
    cached = cache.get_frame(key)
    if cached is not None:
        return cached
    meta = _metadata(ref, call)
    if meta is None:
        return None
    keys = _region_keys(meta["DataProperties"])
    filters = filters_for(keys)
    try:
        rows = _download_rows(ref, filters, call)
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


def _level_filter(niveau: str, code: str):
    kind, prefix = LEVELS[niveau]
    digits = code[2:]
    if niveau == "gemeente":
        return lambda k: f"{k['dimension']} eq '{code:<10}'"
    return lambda k: f"startswith({k['code']},'{prefix}{digits}')"


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
            out["postcode"] = post.where(post.str.fullmatch(r"\d{4}")).to_numpy()
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
        factor = float(hit.get("factor", 1.0))
        values[ind.naam] = (catalog.to_number(rows[hit["key"]]) * factor).to_numpy()
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
    ref: TableRef, niveau: str, code: str, call: _Call, gemeente: str | None = None
) -> tuple[pd.DataFrame, dict[str, dict[str, Any]], dict[str, Any]] | None:
    """Rows of one table for one gemeente and level, shaped; None if not available."""
    level = "land" if code == "NL00" else niveau
    cache_key = "nederland" if code == "NL00" else f"{niveau}-{code}"
    if code == "NL00":
        filters_for = lambda k: f"{k['dimension']} eq '{'NL00':<10}'"  # noqa: E731
    else:
        filters_for = _level_filter(niveau, code)
    try:
        got = _rows(ref, cache_key, filters_for, call, gemeente)
    except Offline:
        return None
    if got is None:
        return None
    rows, provenance = got
    meta = cache.get_json(f"cbs/{ref.table_id}/metadata")
    if meta is None:  # metadata is cached with the rows; be safe anyway
        meta_value = _metadata(ref, call)
        if meta_value is None:
            return None
    else:
        meta_value = meta[0]
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
    call = _Call()
    register = _register(call, jaar)
    if register is None:
        raise _offline_error(call, "de lijst met gemeenten")
    return register


def _register(call: _Call, jaar: int | None = None) -> pd.DataFrame | None:
    refs = tables(_call=call)
    candidates = [_table_for_year(jaar, refs)] if jaar is not None else refs
    for ref in candidates:
        def filters_for(k: dict[str, str]) -> str:
            return f"{k['kind']} eq 'Gemeente  '"

        try:
            got = _rows(ref, "gemeenten", filters_for, call)
        except Offline:
            got = None
        if got is None or got[0].empty:
            continue
        rows, _ = got
        meta = cache.get_json(f"cbs/{ref.table_id}/metadata")
        keys = _region_keys(meta[0]["DataProperties"]) if meta else {}
        code_key = keys.get("code", "Codering_3")
        register = pd.DataFrame(
            {
                "code": rows[code_key].astype("str").str.strip().to_numpy(),
                "naam": rows["_naam"].astype("str").str.strip().to_numpy(),
            }
        )
        return register.sort_values("naam", key=lambda s: s.str.casefold(), ignore_index=True)
    return None


def resolve_gemeente(gemeente: str | int, _call: _Call | None = None) -> tuple[str, str]:
    """Return ``(code, naam)`` for a gemeente written as name, alias or code.

    Raises
    ------
    UnknownGemeenteError
        When the gemeente does not exist; the message suggests the closest names.
    """
    call = _call or _Call()
    register = _register(call)
    if register is None:
        code = parse_code(gemeente)
        if code is not None:  # offline: trust a well-formed code
            return code, code
        raise _offline_error(call, "de lijst met gemeenten", str(gemeente))
    return resolve(gemeente, register)


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
    gemeente: str | int, jaar: int | None = None, niveau: str = "buurt"
) -> pd.DataFrame:
    """CBS Kerncijfers wijken en buurten for one gemeente.

    Parameters
    ----------
    gemeente : str or int
        Name in any case (``"utrecht"``, ``"Den Bosch"``) or code (``"GM0344"``, ``344``).
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
    call = _Call()
    code, naam = resolve_gemeente(gemeente, _call=call)
    label = f"{naam} op {niveau}niveau" if niveau != "gemeente" else f"de gemeente {naam}"
    frame = _assemble(code, niveau, jaar, call, label, naam)
    frame.attrs["gemeente"] = naam if naam != code else (
        frame["gemeentenaam"].dropna().iloc[0] if frame["gemeentenaam"].notna().any() else code
    )
    return frame


def kerncijfers_nederland(jaar: int | None = None) -> pd.DataFrame:
    """The Nederland row of the KWB table (same layout as :func:`kerncijfers`).

    Parameters
    ----------
    jaar : int, optional
        Year of the table; ``None`` as in :func:`kerncijfers`.
    """
    call = _Call()
    frame = _assemble("NL00", "gemeente", jaar, call, "Nederland", None)
    frame["niveau"] = "land"
    frame.attrs["gemeente"] = None
    return frame
