"""Police registrations per wijk and buurt: CBS table 47018NED on ``dataderden.cbs.nl``.

"Geregistreerde misdrijven; soort misdrijf, wijk, buurt, jaarcijfers" is published by CBS
for the police on its OData v3 service for third parties, with the same protocol as
``opendata.cbs.nl`` (``WIJKLIB_POLITIE_URL``). It is read with the same thin OData layer
as the KWB tables (:mod:`wijklib.data.odata`: every request retried on its own, one
deadline per call; ``cbsodata`` cannot be given a session). The table differs from the
KWB tables in ways that matter:

- it has no ``Codering`` topic: the region code is the ``WijkenEnBuurten`` key of each
  raw row, so the rows are read as they come (which keeps the key) and the dimension
  only gives the names. Buurt names are not unique in the country.
- the region dimension follows the newest buurt map (2024) while older years' rows follow
  their own year's map, so a few codes of a row may be missing from the dimension; the
  name then comes from the KWB table of the same year.
- the figure is a count; per 1 000 inhabitants is computed here with the KWB inhabitants
  of the *same* year (never another year's), with an exact Poisson interval because
  rates of small buurten wobble.

The return shape of :func:`misdrijven` is meant for a veiligheid ring: one row per area,
the count, the inhabitants, the rate and its interval, and the provenance columns
``jaar``, ``tabel``, ``bron`` (and ``jaar_inwoners`` … for the inhabitants).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from wijklib.config import settings
from wijklib.data import cache, cbs, odata
from wijklib.data.net import Call, Failed, NetError, NotFound, user_error
from wijklib.errors import (
    DataNotAvailableError,
    InvalidChoiceError,
    NoConnectionError,
    ServiceError,
    ServiceSlowError,
)
from wijklib.guarantees import provenance as prov

TABLE = "47018NED"
TITLE = "Geregistreerde misdrijven; soort misdrijf, wijk, buurt, jaarcijfers"
SOURCE = "Politie, via CBS"
SERVICE = "CBS voor derden (dataderden.cbs.nl)"
LICENCE = "CC BY 4.0 (Bron: Politie, CBS)"
#: The dimension key of "Totaal misdrijven" (CBS pads keys with a space).
TOTAL = "0.0.0"
#: The count topic, found by title (keys are not hard-coded).
COUNT_TITLE = "geregistreerde misdrijven"
#: With ``jaar=None``: how many years older than the newest the figures may be.
MAX_FALLBACK_YEARS = 2
#: Below this many inhabitants a rate per 1 000 is flagged as unstable.
SMALL_AREA = 200

COLUMNS = [
    "code", "naam", "niveau", "gemeentecode", "soort", "soort_naam", "misdrijven",
    "inwoners", "per_1000", "per_1000_laag", "per_1000_hoog", "weinig_inwoners",
]


def _fetch(call: Call, name: str, what: str, filters: str | None = None,
           gemeente: str | None = None) -> list[dict[str, Any]]:
    """One entity set of the police table, each page retried on its own (Dutch errors)."""
    try:
        return odata.fetch(call, settings().politie_url, TABLE, name, filters=filters)
    except NotFound as err:
        raise DataNotAvailableError(
            f"De politietabel {TABLE} is niet te vinden op {settings().politie_url}. "
            "Controleer WIJKLIB_POLITIE_URL, of meld het aan de trainer."
        ) from err
    except Failed as err:
        raise ServiceError(SERVICE, str(err)) from err
    except NetError as err:
        raise user_error(err, SERVICE, what, gemeente, call) from err


def _metadata(call: Call | None = None, gemeente: str | None = None) -> dict[str, Any]:
    """DataProperties, TableInfos and the three dimensions of the table (cached)."""
    key = f"politie/{TABLE}/metadata"
    cached = cache.get_json(key)
    if cached is not None:
        return cached[0]
    call = call or Call()
    what = f"de politiecijfers van {gemeente}" if gemeente else "de politiecijfers"
    infos = _fetch(call, "TableInfos", what, gemeente=gemeente)
    meta: dict[str, Any] = {"TableInfos": infos[0] if infos else {}}
    for name in ("DataProperties", "SoortMisdrijf", "Perioden", "WijkenEnBuurten"):
        meta[name] = _fetch(call, name, what, gemeente=gemeente)
    cache.put_json(key, meta, {"source": SERVICE, "table_id": TABLE})
    return meta


def soorten() -> pd.DataFrame:
    """The kinds of crime of the table: ``soort`` (e.g. ``"1.1.1"``) and ``naam``."""
    meta = _metadata()
    return pd.DataFrame(
        [{"soort": str(r["Key"]).strip(), "naam": str(r["Title"]).strip()}
         for r in meta["SoortMisdrijf"]]
    )


def _resolve_kind(soort: str, meta: dict[str, Any]) -> tuple[str, str, str]:
    """``(code, name, key)`` of a kind; ``key`` is the dimension key as CBS pads it."""
    given = str(soort).strip()
    kinds = {str(r["Key"]).strip(): (str(r["Title"]).strip(), str(r["Key"]))
             for r in meta["SoortMisdrijf"]}
    if given.lower() in ("totaal", ""):
        given = TOTAL
    if given in kinds:
        return given, *kinds[given]
    hits = [k for k, (title, _) in kinds.items() if given.casefold() in title.casefold()]
    if len(hits) == 1:
        return hits[0], *kinds[hits[0]]
    shown = ", ".join(f"'{kinds[k][0]}'" for k in hits[:6])
    raise InvalidChoiceError(
        f"De soort misdrijf '{given}' " + (f"past bij meer soorten: {shown}. " if hits else
                                            "staat niet in de tabel. ")
        + "Gebruik 'totaal', een code zoals '1.1.1', of bekijk de lijst met "
        "wijklib.data.politie.soorten()."
    )


def _rows(code: str, niveau: str, kind: str, kind_key: str, call: Call, naam: str
          ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The raw rows (every year) of one kind for a gemeente and level; cached."""
    key = f"politie/{TABLE}/{niveau}-{code}-{kind}"
    cached = cache.get_frame(key)
    if cached is not None:
        return cached
    prefix = cbs.LEVELS[niveau][1] + code[2:]
    region = (f"WijkenEnBuurten eq '{code:<10}'" if niveau == "gemeente"
              else f"substringof('{prefix}',WijkenEnBuurten)")
    filters = f"SoortMisdrijf eq '{kind_key}' and {region}"

    rows = pd.DataFrame(_fetch(call, "TypedDataSet", f"de politiecijfers van {naam}",
                               filters, naam))
    meta = _metadata(call, naam)
    info = meta.get("TableInfos") or {}
    provenance = {
        "source": SOURCE,
        "service": SERVICE,
        "table_id": TABLE,
        "title": str(info.get("Title", TITLE)).strip(),
        "modified": str(info.get("Modified", ""))[:10],
        "filter": filters,
        "url": f"{settings().politie_url}/ODataFeed/odata/{TABLE}/TypedDataSet",
        "rows": len(rows),
    }
    cache.put_frame(key, rows, provenance)
    return rows, provenance


def _count_key(meta: dict[str, Any]) -> str:
    for prop in meta["DataProperties"]:
        if prop.get("Type") == "Topic" and str(prop.get("Title", "")).strip().casefold() \
                == COUNT_TITLE:
            return prop["Key"]
    raise ServiceError(SERVICE, f"de tabel {TABLE} mist het onderwerp 'Geregistreerde misdrijven'")


def _year_of(period: str) -> int | None:
    text = str(period).strip()
    return int(text[:4]) if len(text) >= 4 and text[:4].isdigit() else None


def _inhabitants(gemeente: str, year: int, niveau: str, notes: list[str]
                 ) -> tuple[pd.DataFrame | None, dict[str, Any] | None]:
    """The KWB inhabitants of exactly ``year`` (never another year's), or None with a note."""
    try:
        kwb = cbs.kerncijfers(gemeente, jaar=year, niveau=niveau)
    except (DataNotAvailableError, NoConnectionError, ServiceError, ServiceSlowError) as err:
        notes.append(
            f"Het aantal inwoners van {year} is er niet ({str(err).rstrip('. ')}). Daarom "
            "staat er geen cijfer per 1 000 inwoners: inwoners van een ander jaar gebruik ik "
            "niet."
        )
        return None, None
    entry = (kwb.attrs.get("indicators") or {}).get("inwoners")
    if entry is None or kwb["inwoners"].isna().all():
        notes.append(
            f"De tabel Kerncijfers wijken en buurten van {year} heeft (nog) geen inwoners. "
            "Daarom staat er geen cijfer per 1 000 inwoners."
        )
        return None, None
    return kwb, entry


def misdrijven(
    gemeente: str | int,
    jaar: int | None = None,
    niveau: str = "buurt",
    soort: str = "totaal",
) -> pd.DataFrame:
    """Police-registered crimes per area, with the rate per 1 000 inhabitants.

    Parameters
    ----------
    gemeente : str or int
        Name in any case, alias or code, as in :func:`wijklib.kerncijfers`.
    jaar : int, optional
        Year of registration. ``None`` takes the newest year with figures for this
        gemeente (at most :data:`MAX_FALLBACK_YEARS` older than the table's newest year).
    niveau : {"gemeente", "wijk", "buurt"}
    soort : str
        ``"totaal"`` (all crimes), a code such as ``"1.1.1"`` or a unique part of the
        name (``"woning"``); :func:`soorten` lists them.

    Returns
    -------
    pandas.DataFrame
        One row per area, sorted by code:

        ``code``, ``naam``, ``niveau``, ``gemeentecode``
            The area, with the code from the police table (not the name: names are not
            unique).
        ``soort``, ``soort_naam``
            The kind of crime.
        ``misdrijven``
            Registered crimes (float; NaN where the table has no figure, never 0).
        ``inwoners``
            Inhabitants from the KWB table of the same year (NaN when that table or the
            area is not there).
        ``per_1000``, ``per_1000_laag``, ``per_1000_hoog``
            Crimes per 1 000 inhabitants with its exact 95 % Poisson interval (chance
            variation of the count only); NaN without inhabitants or with 0 inhabitants.
        ``weinig_inwoners``
            True below :data:`SMALL_AREA` inhabitants: the rate is unstable there.
        ``jaar``, ``tabel``, ``bron``; ``jaar_inwoners``, ``tabel_inwoners``,
        ``bron_inwoners``
            Provenance (:mod:`wijklib.guarantees.provenance`): the year, table and source
            of the counts, and of the inhabitants.

        ``attrs`` holds ``source``, ``table_id``, ``year``, ``niveau``, ``gemeentecode``,
        ``soort``, ``indicators`` and Dutch ``notes`` (e.g. a registration says as much
        about reporting and policing as about crime).

    Raises
    ------
    UnknownGemeenteError, NoConnectionError, DataNotAvailableError, InvalidChoiceError,
    ServiceError
    """
    niveau = cbs.check_level(niveau)
    code, naam = cbs.resolve_gemeente(gemeente)
    call = Call()
    meta = _metadata(call, naam)
    kind, kind_name, kind_key = _resolve_kind(soort, meta)
    rows, provenance = _rows(code, niveau, kind, kind_key, call, naam)
    count_key = _count_key(meta)
    if rows.empty or count_key not in rows:
        raise DataNotAvailableError(
            f"De politie heeft in tabel {TABLE} geen cijfers over '{kind_name}' voor {naam} "
            f"op {niveau}niveau."
        )
    rows = rows.assign(
        _code=rows["WijkenEnBuurten"].astype("str").str.strip(),
        _jaar=rows["Perioden"].map(_year_of),
        _aantal=pd.to_numeric(rows[count_key], errors="coerce").astype("float64"),
    )
    prefix = cbs.LEVELS[niveau][1]
    rows = rows[rows["_code"].str.startswith(prefix)]
    years = sorted({int(y) for y in rows["_jaar"].dropna()}, reverse=True)
    with_figures = sorted({int(y) for y in rows.loc[rows["_aantal"].notna(), "_jaar"]},
                          reverse=True)
    notes: list[str] = []
    newest = max((_year_of(p["Key"]) or 0 for p in meta["Perioden"]), default=0)
    if jaar is not None:
        year = int(jaar)
        if year not in years:
            shown = ", ".join(str(y) for y in sorted(years)) or "geen"
            raise DataNotAvailableError(
                f"De politietabel heeft voor {naam} geen cijfers van {year}. Jaren met "
                f"cijfers: {shown}. Of laat jaar leeg voor het nieuwste jaar."
            )
    else:
        usable = [y for y in with_figures if y >= newest - MAX_FALLBACK_YEARS]
        if not usable:
            raise DataNotAvailableError(
                f"De politie heeft voor {naam} op {niveau}niveau geen cijfers van {newest} "
                f"of de {MAX_FALLBACK_YEARS} jaar daarvoor."
            )
        year = usable[0]
        if year != newest:
            notes.append(f"Het nieuwste jaar van de tabel is {newest}; voor {naam} zijn de "
                         f"nieuwste cijfers van {year}.")
    rows = rows[rows["_jaar"] == year].drop_duplicates("_code").sort_values("_code")
    region_names = {str(r["Key"]).strip(): str(r["Title"]).strip()
                    for r in meta.get("WijkenEnBuurten", [])}
    out = pd.DataFrame({
        "code": rows["_code"].to_numpy(),
        "niveau": niveau,
        "gemeentecode": ("GM" + rows["_code"].str.slice(2, 6)).to_numpy(),
        "soort": kind,
        "soort_naam": kind_name,
        "misdrijven": rows["_aantal"].to_numpy(),
    })
    kwb, inw_entry = _inhabitants(code, year, niveau, notes)
    kwb_names: dict[str, str] = {}
    if kwb is not None:
        lookup = kwb.drop_duplicates("code").set_index("code")
        out["inwoners"] = out["code"].map(lookup["inwoners"]).astype("float64").to_numpy()
        kwb_names = lookup["naam"].astype("str").to_dict()
        absent = ~out["code"].isin(lookup.index)
        if absent.any():
            codes = ", ".join(out.loc[absent, "code"].head(5))
            notes.append(
                f"{int(absent.sum())} gebied(en) van de politietabel staan niet in de "
                f"Kerncijfers wijken en buurten van {year} (andere indeling): {codes}. Daar "
                "staat geen cijfer per 1 000 inwoners."
            )
    else:
        out["inwoners"] = np.nan
    out.insert(1, "naam", [region_names.get(c) or kwb_names.get(c) or c for c in out["code"]])
    inwoners = out["inwoners"].where(out["inwoners"] > 0)
    out["per_1000"] = out["misdrijven"] / inwoners * 1000
    from wijklib.tellen.pitfalls import rate_interval  # the one owner of the interval

    low, high = rate_interval(out["misdrijven"], inwoners, per=1000)
    out["per_1000_laag"] = np.asarray(low, dtype="float64")
    out["per_1000_hoog"] = np.asarray(high, dtype="float64")
    out["weinig_inwoners"] = pd.array(
        np.where(out["inwoners"].isna(), None, out["inwoners"] < SMALL_AREA), dtype="boolean")
    small = int(out["weinig_inwoners"].fillna(False).sum())
    if small:
        notes.append(
            f"{small} gebied(en) hebben minder dan {SMALL_AREA} inwoners: daar zegt een cijfer "
            "per 1 000 inwoners weinig (kijk naar per_1000_laag en per_1000_hoog)."
        )
    notes.append(
        "Een geregistreerd misdrijf zegt ook iets over aangifte en politie-inzet, niet "
        "alleen over hoeveel misdrijven er zijn. Misdrijven in winkel- of uitgaansgebieden "
        "tellen mee in die buurt, ook als de daders of slachtoffers er niet wonen."
    )
    if out["misdrijven"].isna().any():
        notes.append(f"{int(out['misdrijven'].isna().sum())} gebied(en) hebben geen cijfer "
                     "(onbekend of geheim); dat is geen 0.")
    info: dict[str, dict[str, Any]] = {}
    for column in ("misdrijven", "per_1000", "per_1000_laag", "per_1000_hoog"):
        info[column] = {"year": year, "table_id": TABLE, "source": SOURCE,
                        "modified": provenance.get("modified", ""),
                        "available": bool(out[column].notna().any())}
    if inw_entry is not None:
        info["inwoners"] = {"year": int(inw_entry["year"]),
                            "table_id": inw_entry.get("table_id", ""),
                            "source": "CBS, Kerncijfers wijken en buurten",
                            "available": bool(out["inwoners"].notna().any())}
    out = out[COLUMNS].reset_index(drop=True)
    out.attrs = {
        "source": SOURCE,
        "licence": LICENCE,
        "table_id": TABLE,
        "title": provenance.get("title", TITLE),
        "modified": provenance.get("modified", ""),
        "year": year,
        "niveau": niveau,
        "gemeentecode": code,
        "gemeente": naam,
        "soort": kind,
        "indicators": info,
        "notes": notes,
    }
    return prov.stamp(out, info, year=year, table=TABLE, source=SOURCE)

