"""Boundaries of gemeenten, wijken and buurten from the PDOK OGC API Features.

``/cbs/wijken-en-buurten-<jaar>/ogc/v1/collections/{gemeenten,wijken,buurten}/items``,
filtered on ``gemeentecode`` (or not at all, for the whole country) and paged by following
the ``next`` links; each page is one request on the shared session, retried on its own
(:func:`wijklib.data.net.get_json`). Every answer is cached as GeoParquet with its provenance.
"""

from __future__ import annotations

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




def _years_to_try(jaar: int | None, call: Call) -> list[int]:
    if jaar is not None:
        return [int(jaar)]
    refs = cbs.tables(_call=call)
    newest = refs[0].year if refs else max(cbs.KNOWN_TABLES)
    return [newest - i for i in range(cbs.MAX_FALLBACK_TABLES + 1)]


def gebieden(
    gemeente: str | int | None, jaar: int | None = None, niveau: str = "buurt"
) -> gpd.GeoDataFrame:
    """Boundaries of one gemeente's regions, joinable on ``code`` with :func:`kerncijfers`.

    Parameters
    ----------
    gemeente : str, int or None
        Name in any case, alias or code, as in :func:`wijklib.kerncijfers`; ``None`` or
        ``"Nederland"`` for every gemeente, wijk or buurt of the country.
    jaar : int, optional
        Year of the Wijk- en buurtkaart; ``None`` takes the year of the newest KWB table
        (or the year before, if PDOK does not have that one yet).
    niveau : {"gemeente", "wijk", "buurt"}

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code``, ``naam``, ``niveau``, ``gemeentecode``, ``water`` and
        ``geometry`` in EPSG:4326 (longitude, latitude). ``attrs`` holds the year and source.
    """
    niveau = cbs.check_level(niveau)
    call = Call()
    if cbs.is_country(gemeente):
        call.extend(cbs.COUNTRY_BUDGET)
        code, naam = None, "Nederland"
    else:
        code, naam = cbs.resolve_gemeente(gemeente, _call=call)
    offline = False
    failure: NetError | None = None
    for year in _years_to_try(jaar, call):
        key = f"pdok/{year}/{niveau}-{code or 'nederland-alle'}"
        cached = cache.get_frame(key, geo=True)
        if cached is not None:
            frame, provenance = cached
            break
        if offline:
            continue
        try:
            features = _download(call, year, niveau, code)
        except NotFound:
            continue
        except Failed as err:
            raise ServiceError(SERVICE, str(err)) from err
        except NetError as err:
            offline, failure = True, err
            continue
        frame = _shape(features, niveau)
        provenance = {
            "source": SERVICE,
            "dataset": f"CBS Wijk- en buurtkaart {year}",
            "year": year,
            "url": items_url(year, niveau),
            "gemeentecode": code,
            "features": len(frame),
        }
        if frame.empty:
            continue
        cache.put_frame(key, frame, provenance)
        break
    else:
        if offline and failure is not None:
            raise user_error(failure, SERVICE, f"de kaart van {naam}", naam, call)
        years = ", ".join(str(y) for y in _years_to_try(jaar, call))
        raise DataNotAvailableError(
            f"PDOK heeft geen {COLLECTIONS[niveau][0]} van {naam} voor {years}."
        )
    frame = frame[COLUMNS].copy()
    frame.attrs = {
        "source": "CBS/Kadaster, Wijk- en buurtkaart (via PDOK)",
        "licence": "CC BY 4.0 (Bron: CBS, Kadaster)",
        "year": int(provenance["year"]),
        "niveau": niveau,
        "gemeentecode": code,
        "gemeente": naam,
        "url": provenance.get("url"),
    }
    return frame
