"""Boundaries of gemeenten, wijken and buurten from the PDOK OGC API Features.

``/cbs/wijken-en-buurten-<jaar>/ogc/v1/collections/{gemeenten,wijken,buurten}/items``,
filtered on ``gemeentecode`` (or not at all, for the whole country) and paged by following
the ``next`` links; each page is one request on the shared session, retried on its own
(:func:`wijklib.data.net.get_json`). Every answer is cached as GeoParquet with its provenance.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import pandas as pd

from wijklib.config import settings
from wijklib.data import cache, cbs
from wijklib.data.net import Call, Failed, NetError, NotFound, Unreadable, get_json, user_error
from wijklib.errors import DataNotAvailableError, ServiceError

SERVICE = "PDOK (api.pdok.nl)"

#: Collection and property names per level.
COLLECTIONS = {
    "gemeente": ("gemeenten", "gemeentecode", "gemeentenaam"),
    "wijk": ("wijken", "wijkcode", "wijknaam"),
    "buurt": ("buurten", "buurtcode", "buurtnaam"),
}

PAGE_SIZE = 1000  # the service's maximum
MAX_PAGES = 200  # a guard against a server that never stops sending `next` (200 000 areas)

COLUMNS = ["code", "naam", "niveau", "gemeentecode", "water", "geometry"]


def items_url(jaar: int, niveau: str) -> str:
    """Return the items URL of a year's collection for a level."""
    collection = COLLECTIONS[niveau][0]
    base = settings().pdok_url
    return f"{base}/cbs/wijken-en-buurten-{jaar}/ogc/v1/collections/{collection}/items"


_ACCEPT = {"Accept": "application/geo+json, application/json"}


def _download(call: Call, jaar: int, niveau: str, code: str | None) -> list[dict[str, Any]]:
    """All features of one gemeente (None: of the country), following ``next`` links.

    Each page is its own request with its own retries; a failing page is asked again, the
    pages before it are kept.
    """
    url: str | None = items_url(jaar, niveau)
    params: dict[str, Any] | None = {"f": "json", "limit": PAGE_SIZE}
    if code is not None:
        params["gemeentecode"] = code
    what = f"PDOK {jaar} {niveau} {code or 'Nederland'}"
    features: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        if url is None:
            return features
        page = get_json(call, url, params, what, headers=_ACCEPT)
        if not isinstance(page, dict) or not isinstance(page.get("features", []), list):
            raise Unreadable(f"{what}: the answer is not a FeatureCollection")
        features.extend(page.get("features", []))
        url = next(
            (link["href"] for link in page.get("links", []) if link.get("rel") == "next"),
            None,
        )
        params = None  # the next link carries the query
    raise Unreadable(f"{what}: PDOK kept sending next links")


def _water(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().upper()
    return {"JA": True, "NEE": False}.get(text, pd.NA)


def _shape(features: list[dict[str, Any]], niveau: str) -> gpd.GeoDataFrame:
    _, code_prop, name_prop = COLLECTIONS[niveau]
    if not features:
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype="object") for c in COLUMNS[:-1]},
            geometry=gpd.GeoSeries([], crs="EPSG:4326"),
        )
    frame = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    out = gpd.GeoDataFrame(
        {
            "code": frame[code_prop].astype("str").str.strip(),
            "naam": frame[name_prop].astype("str").str.strip(),
            "niveau": niveau,
            "gemeentecode": frame["gemeentecode"].astype("str").str.strip(),
            "water": frame["water"].map(_water).astype("boolean")
            if "water" in frame
            else pd.array([pd.NA] * len(frame), dtype="boolean"),
        },
        geometry=frame.geometry.values,
        crs="EPSG:4326",
    )
    return out.sort_values("code", ignore_index=True)




#: The oldest Wijk- en buurtkaart the workbook asks PDOK for.
FIRST_MAP_YEAR = 2017

#: Without codes to check, a map may be at most this many years from the year asked.
MAX_MAP_DISTANCE = 2


def _years_to_try(jaar: int | None, call: Call, checked: bool) -> list[int]:
    """The map years to try, nearest to ``jaar`` first (the newer one first on a tie)."""
    refs = cbs.tables(_call=call)
    newest = refs[0].year if refs else max(cbs.KNOWN_TABLES)
    wanted = newest if jaar is None else int(jaar)
    last = max(newest, wanted)
    reach = (last - FIRST_MAP_YEAR) if checked else MAX_MAP_DISTANCE
    years = [y for y in range(FIRST_MAP_YEAR, last + 1) if abs(y - wanted) <= reach]
    if wanted not in years:
        years.append(wanted)
    return sorted(years, key=lambda y: (abs(y - wanted), -y))


def _fetch(year: int, niveau: str, code: str | None, call: Call
           ) -> tuple[gpd.GeoDataFrame, dict[str, Any]] | None:
    """One year's map of a gemeente (``code=None``: the country), from the cache or PDOK.

    None when PDOK has no such map, or when an earlier request of this call found the
    service unreachable (``call.failure`` says why).
    """
    key = f"pdok/{year}/{niveau}-{code or 'nederland-alle'}"
    cached = cache.get_frame(key, geo=True)
    if cached is not None:
        return cached
    if call.failure is not None:
        return None
    try:
        features = _download(call, year, niveau, code)
    except NotFound:
        return None
    except Failed as err:
        raise ServiceError(SERVICE, str(err)) from err
    except NetError as err:
        call.failure = err
        return None
    frame = _shape(features, niveau)
    if frame.empty:
        return None
    provenance = {
        "source": SERVICE,
        "dataset": f"CBS Wijk- en buurtkaart {year}",
        "year": year,
        "url": items_url(year, niveau),
        "gemeentecode": code,
        "features": len(frame),
    }
    cache.put_frame(key, frame, provenance)
    return frame, provenance


def gebieden(
    gemeente: str | int | None,
    jaar: int | None = None,
    niveau: str = "buurt",
    codes: Iterable[str] | None = None,
) -> gpd.GeoDataFrame:
    """Boundaries of one gemeente's regions, joinable on ``code`` with :func:`kerncijfers`.

    Parameters
    ----------
    gemeente : str, int or None
        Name in any case, alias or code, as in :func:`wijklib.kerncijfers`; ``None`` or
        ``"Nederland"`` for every gemeente, wijk or buurt of the country.
    jaar : int, optional
        Year of the Wijk- en buurtkaart: use the year of the figures
        (``cijfers.attrs["year"]``). ``None`` takes the year of the newest KWB table.
        When PDOK has no map of that year for the gemeente, the nearest year is used
        (at most :data:`MAX_MAP_DISTANCE` years off without ``codes``).
    niveau : {"gemeente", "wijk", "buurt"}
    codes : iterable of str, optional
        The codes of the figures to draw (``cijfers["code"]``). Then the nearest year
        whose map has all these codes is used; if no year has them all, the year with
        the most, and ``attrs["notes"]`` names the codes that are not on the map.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code``, ``naam``, ``niveau``, ``gemeentecode``, ``water`` and
        ``geometry`` in EPSG:4326 (longitude, latitude). ``attrs`` holds the year of the
        map (``year``), the year asked for (``jaar_gevraagd``), the source and ``notes``
        (Dutch) when the map is of another year than asked or misses areas.
    """
    niveau = cbs.check_level(niveau)
    call = Call()
    if cbs.is_country(gemeente):
        call.extend(cbs.COUNTRY_BUDGET)
        code, naam = None, "Nederland"
    else:
        code, naam = cbs.resolve_gemeente(gemeente, _call=call)
    wanted_codes = None if codes is None else {str(c).strip() for c in codes if str(c).strip()}
    checked = bool(wanted_codes)
    years = _years_to_try(jaar, call, checked)
    wanted_year = years[0]
    plural = COLLECTIONS[niveau][0]
    best: tuple[int, gpd.GeoDataFrame, dict[str, Any]] | None = None
    for year in years:
        got = _fetch(year, niveau, code, call)
        if got is None:
            continue
        frame, provenance = got
        if not checked:
            best = (0, frame, provenance)
            break
        unmatched = len(wanted_codes - set(frame["code"]))
        if best is None or unmatched < best[0]:
            best = (unmatched, frame, provenance)
        if unmatched == 0:
            break
    if best is None:
        if call.failure is not None:
            raise user_error(call.failure, SERVICE, f"de kaart van {naam}", naam, call)
        shown = ", ".join(str(y) for y in sorted(years, reverse=True))
        raise DataNotAvailableError(f"PDOK heeft geen {plural} van {naam} voor {shown}.")
    unmatched, frame, provenance = best
    year = int(provenance["year"])
    notes: list[str] = []
    if year != wanted_year:
        same = " De codes van de gebieden zijn dezelfde als in de cijfers." if (
            checked and unmatched == 0) else ""
        notes.append(
            f"De kaart is van {year}: PDOK heeft geen kaart van {naam} ({plural}) voor "
            f"{wanted_year} met dezelfde gebieden.{same} Grenzen kunnen tussen de jaren "
            "iets verschillen."
        )
    if checked and unmatched:
        missing = sorted(wanted_codes - set(frame["code"]))
        notes.append(
            f"{len(missing)} gebied(en) uit de cijfers staan niet op de kaart van {year} "
            f"(andere indeling): {', '.join(missing[:5])}. Die zie je niet op de kaart."
        )
    frame = frame[COLUMNS].copy()
    frame.attrs = {
        "source": "CBS/Kadaster, Wijk- en buurtkaart (via PDOK)",
        "licence": "CC BY 4.0 (Bron: CBS, Kadaster)",
        "year": year,
        "jaar_gevraagd": wanted_year,
        "niveau": niveau,
        "gemeentecode": code,
        "gemeente": naam,
        "url": provenance.get("url"),
        "notes": notes,
    }
    return frame
