"""Kaartnotities (participatory mapping): points and areas that residents put on a map.

A note is a point or an area (polygon) with a category (:data:`CATEGORIES`: kans,
knelpunt, favoriete plek, onveilige plek, idee), a short text and optionally a date and
a source. There are deliberately no fields for names or addresses: an import drops such
properties and reports it.

Workflow
--------
1. Collect: draw on :func:`notes_map` (drawing tool with a download button), or use uMap,
   Google My Maps (KML/KMZ), Mapsurvey, KoBoToolbox or any tool that exports GeoJSON; or
   add notes by hand with :func:`add_note`.
2. Read: :func:`import_geojson` (GeoJSON, uMap, KML and KMZ, through
   :mod:`wijklib.guarantees.reading`) returns the notes and a report (``rapport``) with
   every feature or property that was not used, and why. Nothing is dropped silently.
3. Save and load: :func:`save_notes` / :func:`load_notes` (GeoJSON).
4. Analyse: :func:`assign_buurt` (which buurt is each note in) and :func:`count_notes`.
5. Show: :func:`notes_map` (every text escaped; folium inserts popups and tooltips as HTML).

About the minimum group size
----------------------------
Map notes are not survey answers: a note is a contribution that someone placed openly on
a shared map, and a count of notes is not an estimate for the people in a buurt. So
:func:`count_notes` does not hide small counts by default. It can (``min_n``), with
the same rule as the survey results (:func:`wijklib.guarantees.privacy.suppress`): do
that when notes were collected one person at a time (for example a map question in a
survey) and the table is shared outside the group, because a small count plus a place
can point to a person.
The default is the explicit ``min_n=1`` (hide nothing); ``min_n=None`` means the usual
minimum group size, as everywhere (:func:`wijklib.guarantees.privacy.min_group_size`).

Practice data
-------------
:func:`practice_notes` makes fictional notes in a gemeente's real buurten, reproducible
from a seed and labelled ``attrs["oefendata"] = True``.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.prepared
from shapely.geometry import mapping as shape_mapping
from shapely.geometry import shape as to_shape

from wijklib.errors import InvalidChoiceError, WijklibError
from wijklib.guarantees.privacy import NO_SUPPRESSION, min_group_size
from wijklib.guarantees.rendering import escape, raw_html_element
from wijklib.guarantees.writing import atomic_write_text

__all__ = [
    "CATEGORIES",
    "COLUMNS",
    "MAX_TEXT",
    "NL_BOUNDS",
    "Category",
    "NotesFileError",
    "NotesImport",
    "add_note",
    "assign_buurt",
    "count_notes",
    "import_geojson",
    "load_notes",
    "new_notes",
    "normalise_category",
    "notes_map",
    "practice_notes",
    "save_notes",
]


class NotesFileError(WijklibError, ValueError):
    """A notes file cannot be read at all (not JSON, not GeoJSON, missing)."""


@dataclass(frozen=True)
class Category:
    """One category of map notes and how it is drawn.

    Attributes
    ----------
    key : str
        The value in the ``categorie`` column, e.g. ``"onveilige plek"``.
    label : str
        Dutch label for legends.
    colour : str
        Fill colour (Okabe–Ito palette: distinguishable with colour blindness).
    text_colour : str
        Colour of the symbol on the marker (readable on ``colour``).
    shape : {"circle", "square", "diamond", "rounded"}
        Marker shape, so categories differ in more than colour.
    symbol : str
        One character on the marker.
    dash : str or None
        Outline pattern of areas (SVG dash array).
    uitleg : str
        What the category is for (Dutch, shown in the notebook).
    """

    key: str
    label: str
    colour: str
    text_colour: str
    shape: str
    symbol: str
    dash: str | None
    uitleg: str


#: The note categories, in legend order.
CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category("kans", "Kans", "#009E73", "#ffffff", "circle", "+", None,
                 "iets wat beter kan worden of waar de buurt iets mee kan"),
        Category("knelpunt", "Knelpunt", "#D55E00", "#ffffff", "square", "−", "6 4",
                 "iets wat niet goed gaat"),
        Category("favoriete plek", "Favoriete plek", "#0072B2", "#ffffff", "circle", "♥", None,
                 "een plek waar je graag bent"),
        Category("onveilige plek", "Onveilige plek", "#CC79A7", "#000000", "diamond", "!",
                 "2 4", "een plek waar je je niet veilig voelt"),
        Category("idee", "Idee", "#E69F00", "#000000", "rounded", "*", "8 3 2 3",
                 "een voorstel: wat zou je hier willen?"),
    )
}

#: Other ways people write the categories (lower case, without accents).
_ALIASES: dict[str, str] = {
    "kansen": "kans", "opportunity": "kans", "opportunities": "kans", "kansrijk": "kans",
    "kracht": "kans", "sterk punt": "kans",
    "knelpunten": "knelpunt", "probleem": "knelpunt", "problemen": "knelpunt",
    "problem": "knelpunt", "issue": "knelpunt", "zorg": "knelpunt", "ergernis": "knelpunt",
    "favoriet": "favoriete plek", "favoriete plekken": "favoriete plek",
    "favoriete plaats": "favoriete plek", "fijne plek": "favoriete plek",
    "favourite place": "favoriete plek", "favorite place": "favoriete plek",
    "favorite": "favoriete plek", "favourite": "favoriete plek", "lievelingsplek": "favoriete plek",
    "onveilig": "onveilige plek", "onveilige plekken": "onveilige plek",
    "onveilige plaats": "onveilige plek", "unsafe": "onveilige plek",
    "unsafe place": "onveilige plek", "enge plek": "onveilige plek",
    "ideeen": "idee", "idea": "idee", "ideas": "idee", "voorstel": "idee",
    "voorstellen": "idee", "wens": "idee", "wensen": "idee",
}

#: Columns of a notes table (``buurtcode``/``buurtnaam`` are added by :func:`assign_buurt`).
COLUMNS = ["categorie", "tekst", "datum", "bron", "geometry"]
#: Maximum length of a note's text.
MAX_TEXT = 280
#: Bounding box of the Netherlands (lon_min, lat_min, lon_max, lat_max), WGS84.
NL_BOUNDS = (3.2, 50.7, 7.3, 53.7)
#: Outline colour of the focus buurt (same as :mod:`wijklib.tellen.maps`).
FOCUS_COLOUR = "#d55e00"

_CATEGORY_KEYS = ("categorie", "category", "cat", "soort", "type", "kind", "label")
#: Title of a note (uMap's ``name``). Not ``naam``: in a Dutch form that is a person's name.
_TITLE_KEYS = ("name", "title", "titel")
_TEXT_KEYS = (
    "description", "beschrijving", "omschrijving", "tekst", "text", "opmerking",
    "toelichting", "comment", "comments", "notitie", "note", "notes", "body",
)
_DATE_KEYS = ("datum", "date", "_submission_time", "timestamp", "created", "created_at",
              "aangemaakt", "tijd")
_SOURCE_KEYS = ("bron", "source")
_GEOMETRY_LABELS = {
    "Point": "punt", "Polygon": "vlak", "MultiPolygon": "vlak (meerdelig)",
    "LineString": "lijn", "MultiLineString": "lijn", "MultiPoint": "meerdere punten",
    "GeometryCollection": "verzameling vormen",
}
#: Properties written by :func:`assign_buurt` that an import keeps.
_AREA_KEYS = ("buurtcode", "buurtnaam")
_REPORT_COLUMNS = ["object", "laag", "eigenschap", "waarde", "probleem", "gevolg"]


def _plain(text: Any) -> str:
    """Lower case, accents removed, single spaces (for matching what people type)."""
    import unicodedata

    value = unicodedata.normalize("NFKD", str(text))
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-]+", " ", value).strip().lower()


def _key(name: Any) -> str:
    return re.sub(r"[\s_\-.]+", "", _plain(name))


def _is_personal_key(name: Any) -> bool:
    """Whether a property may hold personal data (one list: guarantees.privacy)."""
    from wijklib.guarantees.privacy import is_personal_column

    return is_personal_column(name)


# ---------------------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------------------


def normalise_category(value: Any, mapping: Mapping[str, str] | None = None) -> str | None:
    """Return the category key for what someone typed, or None when unknown.

    Parameters
    ----------
    value : str
        ``"Kansen"``, ``"onveilig"``, ``"Idea"`` …
    mapping : dict, optional
        Your own translations, e.g. ``{"speelplek": "favoriete plek"}``; they come first.

    Returns
    -------
    str or None
        A key of :data:`CATEGORIES`.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    plain = _plain(value)
    if mapping:
        own = {_plain(k): v for k, v in mapping.items()}
        if plain in own:
            return own[plain]
    if plain in CATEGORIES:
        return plain
    return _ALIASES.get(plain)


def _category_suggestion(value: Any) -> str:
    plain = _plain(value)
    options = list(CATEGORIES) + list(_ALIASES)
    close = difflib.get_close_matches(plain, options, n=1, cutoff=0.75)
    if close:
        return CATEGORIES[close[0]].key if close[0] in CATEGORIES else _ALIASES[close[0]]
    return ""


def _check_category(value: Any, mapping: Mapping[str, str] | None = None) -> str:
    found = normalise_category(value, mapping)
    if found is not None:
        return found
    hint = _category_suggestion(value)
    allowed = ", ".join(f"'{k}'" for k in CATEGORIES)
    maybe = f" Bedoel je '{hint}'?" if hint else ""
    raise InvalidChoiceError(
        f"De categorie '{value}' ken ik niet.{maybe} Kies uit: {allowed}."
    )


def _check_mapping(mapping: Mapping[str, str] | None) -> dict[str, str] | None:
    if mapping is None:
        return None
    if not isinstance(mapping, Mapping):
        raise InvalidChoiceError(
            "Geef 'mapping' als woordenboek, bijvoorbeeld {'speelplek': 'favoriete plek'}."
        )
    checked = {}
    for source, target in mapping.items():
        key = normalise_category(target)
        if key is None:
            allowed = ", ".join(f"'{k}'" for k in CATEGORIES)
            raise InvalidChoiceError(
                f"In 'mapping' verwijs je '{source}' naar '{target}', maar die categorie "
                f"bestaat niet. Kies uit: {allowed}."
            )
        checked[str(source)] = key
    return checked


# ---------------------------------------------------------------------------------------
# Building a notes table
# ---------------------------------------------------------------------------------------


def new_notes() -> gpd.GeoDataFrame:
    """Return an empty notes table with the right columns, in EPSG:4326.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``categorie``, ``tekst``, ``datum`` (date), ``bron`` and ``geometry``.
    """
    return gpd.GeoDataFrame(
        {
            "categorie": pd.Series(dtype="str"),
            "tekst": pd.Series(dtype="str"),
            "datum": pd.Series(dtype="datetime64[s]"),
            "bron": pd.Series(dtype="str"),
        },
        geometry=gpd.GeoSeries([], crs="EPSG:4326"),
    )


def _in_nl(geom: shapely.Geometry) -> bool:
    xmin, ymin, xmax, ymax = geom.bounds
    lon0, lat0, lon1, lat1 = NL_BOUNDS
    return lon0 <= xmin and xmax <= lon1 and lat0 <= ymin and ymax <= lat1


def _swapped(geom: shapely.Geometry) -> bool:
    swapped = shapely.transform(geom, lambda coords: coords[:, ::-1])
    return _in_nl(swapped)


def _check_geometry(lat: Any, lon: Any, geometry: Any) -> shapely.Geometry:
    if geometry is not None and (lat is not None or lon is not None):
        raise InvalidChoiceError(
            "Geef óf lat en lon (een punt), óf geometry (een vlak), niet allebei."
        )
    if geometry is None:
        if lat is None or lon is None:
            raise InvalidChoiceError(
                "Waar is de notitie? Geef lat en lon (bijvoorbeeld lat=52.09, lon=5.12), "
                "of een vlak met geometry=..."
            )
        try:
            geom = shapely.Point(float(lon), float(lat))
        except (TypeError, ValueError) as err:
            raise InvalidChoiceError(
                f"lat en lon moeten getallen zijn (met een punt, zoals 52.09); "
                f"je gaf lat={lat!r}, lon={lon!r}."
            ) from err
    elif isinstance(geometry, shapely.Geometry):
        geom = geometry
    elif isinstance(geometry, Mapping):
        try:
            geom = to_shape(geometry)
        except Exception as err:  # shapely raises several types for bad GeoJSON
            raise InvalidChoiceError(
                "De vorm in geometry kan ik niet lezen: het type of de coördinaten kloppen "
                "niet. Geef een GeoJSON-vorm zoals {'type': 'Polygon', 'coordinates': "
                "[[[5.11, 52.09], [5.12, 52.09], [5.12, 52.10], [5.11, 52.09]]]} "
                f"(technische melding: {type(err).__name__}: {err})."
            ) from err
    else:
        raise InvalidChoiceError(
            "geometry moet een shapely-vorm of een GeoJSON-vorm (dict) zijn."
        )
    kind = geom.geom_type
    if kind not in ("Point", "Polygon", "MultiPolygon"):
        label = _GEOMETRY_LABELS.get(kind, kind)
        raise InvalidChoiceError(
            f"Een notitie is een punt of een vlak, geen {label}. Teken een punt of een vlak."
        )
    if geom.is_empty or not np.isfinite(geom.bounds).all():
        raise InvalidChoiceError("De vorm van de notitie is leeg. Geef een punt of een vlak.")
    if not geom.is_valid:
        raise InvalidChoiceError(
            "Het vlak kruist zichzelf of is niet gesloten. Teken het vlak opnieuw."
        )
    if not _in_nl(geom):
        hint = (
            " Het lijkt erop dat lat en lon zijn omgewisseld: lat is ongeveer 51–53, "
            "lon ongeveer 3–7."
            if _swapped(geom)
            else " Controleer de coördinaten: lat (noorderbreedte) is ongeveer 51–53, "
            "lon (oosterlengte) ongeveer 3–7."
        )
        raise InvalidChoiceError("De notitie ligt niet in Nederland." + hint)
    return geom


def _check_text(tekst: Any) -> str:
    from wijklib.guarantees.privacy import find_personal
    from wijklib.vertellen.records import PersonalDataError

    if tekst is None or (isinstance(tekst, float) and np.isnan(tekst)):
        raise InvalidChoiceError("Schrijf een korte tekst bij de notitie.")
    text = " ".join(str(tekst).split())
    if not text:
        raise InvalidChoiceError("Schrijf een korte tekst bij de notitie.")
    if len(text) > MAX_TEXT:
        raise InvalidChoiceError(
            f"De tekst is {len(text)} tekens lang; het maximum is {MAX_TEXT}. Maak hem korter: "
            "een notitie is één zin. Lange verhalen horen bij de verhalen "
            "(wijklib.vertellen.verhalen)."
        )
    hints = find_personal(text)
    if hints:
        raise PersonalDataError(
            f"De tekst lijkt {' en '.join(hints)} te bevatten. Laat persoonsgegevens weg "
            "en beschrijf de plek of het probleem."
        )
    return text


def _check_date(datum: Any) -> pd.Timestamp | None:
    if datum is None or (isinstance(datum, float) and np.isnan(datum)) or datum is pd.NaT:
        return None
    try:
        value = pd.Timestamp(datum)
    except (TypeError, ValueError) as err:
        raise InvalidChoiceError(
            f"De datum '{datum}' begrijp ik niet. Schrijf hem als 2026-03-14."
        ) from err
    if pd.isna(value):
        return None
    return value.normalize()


def _frame(rows: list[dict[str, Any]], attrs: Mapping[str, Any] | None = None) -> gpd.GeoDataFrame:
    """Build a notes table from rows with the columns of :data:`COLUMNS`."""
    base = new_notes()
    if not rows:
        out = base
    else:
        out = gpd.GeoDataFrame(
            {
                "categorie": pd.Series([r["categorie"] for r in rows], dtype="str"),
                "tekst": pd.Series([r["tekst"] for r in rows], dtype="str"),
                "datum": pd.Series(
                    pd.to_datetime([r.get("datum") for r in rows]), dtype="datetime64[s]"
                ),
                "bron": pd.Series([r.get("bron") for r in rows], dtype="str"),
            },
            geometry=gpd.GeoSeries([r["geometry"] for r in rows], crs="EPSG:4326"),
        )
        for key in _AREA_KEYS:
            if any(key in r for r in rows):
                out[key] = pd.Series([r.get(key) for r in rows], dtype="str")
    out.attrs = dict(attrs or {})
    return out


def add_note(
    notes: gpd.GeoDataFrame,
    categorie: str,
    tekst: str,
    lat: float | None = None,
    lon: float | None = None,
    geometry: Any = None,
    *,
    datum: Any = None,
    bron: str | None = None,
) -> gpd.GeoDataFrame:
    """Return the notes with one note added (the input is not changed).

    Parameters
    ----------
    notes : geopandas.GeoDataFrame
        A notes table (start with :func:`new_notes`).
    categorie : str
        One of :data:`CATEGORIES` (``"kans"``, ``"knelpunt"``, …; plural and English work).
    tekst : str
        One short sentence (at most :data:`MAX_TEXT` characters), without names,
        e-mail addresses, phone numbers or addresses.
    lat, lon : float, optional
        A point in WGS84 degrees (lat about 51–53, lon about 3–7).
    geometry : shapely geometry or GeoJSON dict, optional
        An area (polygon) instead of a point.
    datum : date or str, optional
        When the note was made, e.g. ``"2026-03-14"``.
    bron : str, optional
        Where it comes from, e.g. ``"bewonersavond"``.

    Returns
    -------
    geopandas.GeoDataFrame

    Raises
    ------
    InvalidChoiceError
        Unknown category (with a suggestion), missing or too long text, no location,
        a location outside the Netherlands (with a hint when lat and lon are swapped).
    PersonalDataError
        The text seems to hold an e-mail address, phone number or address.
    """
    _check_notes(notes)
    row = {
        "categorie": _check_category(categorie),
        "tekst": _check_text(tekst),
        "geometry": _check_geometry(lat, lon, geometry),
        "datum": _check_date(datum),
        "bron": None if bron is None else " ".join(str(bron).split())[:100] or None,
    }
    if row["bron"]:
        _check_source_text(row["bron"])
    new = _frame([row])
    if notes.crs is not None and notes.crs != new.crs:
        new = new.to_crs(notes.crs)
    columns = list(notes.columns) + [c for c in new.columns if c not in notes.columns]
    for column in columns:
        if column not in new.columns:
            new[column] = pd.Series([pd.NA], dtype=notes[column].dtype, index=new.index)
    new = new[columns]
    if notes.empty:
        out = new
    else:
        out = pd.concat([notes, new], ignore_index=True)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=notes.crs or "EPSG:4326")
    out.attrs = dict(notes.attrs)
    return out


def _check_source_text(text: str) -> None:
    from wijklib.guarantees.privacy import find_personal
    from wijklib.vertellen.records import PersonalDataError

    hints = find_personal(text)
    if hints:
        raise PersonalDataError(
            f"De bron lijkt {' en '.join(hints)} te bevatten. Noem alleen het soort bron "
            "(bijvoorbeeld 'bewonersavond'), geen persoonsgegevens."
        )


def _check_notes(notes: Any) -> None:
    if not isinstance(notes, gpd.GeoDataFrame):
        raise InvalidChoiceError(
            "Geef een tabel met kaartnotities (begin met kaartnotities.new_notes())."
        )
    missing = [c for c in ("categorie", "tekst", "geometry") if c not in notes.columns]
    if missing:
        raise InvalidChoiceError(
            f"De tabel mist de kolom(men) {', '.join(missing)}. Begin met "
            "kaartnotities.new_notes() of lees een bestand met import_geojson()."
        )


# ---------------------------------------------------------------------------------------
# GeoJSON: save, load, import
# ---------------------------------------------------------------------------------------


class NotesImport(NamedTuple):
    """What :func:`import_geojson` returns: the notes and what happened to the rest.

    Attributes
    ----------
    notes : geopandas.GeoDataFrame
        The usable notes.
    rapport : pandas.DataFrame
        One row per problem: ``object`` (feature number, counted from 1 over the whole
        file; empty when the row is about a property of all features), ``laag``,
        ``eigenschap``, ``waarde``, ``probleem`` and ``gevolg``.
    """

    notes: gpd.GeoDataFrame
    rapport: pd.DataFrame

    def summary(self) -> str:
        """A one-line Dutch summary."""
        r = self.rapport
        skipped = r.loc[r["gevolg"] == "niet overgenomen", "object"].dropna().nunique()
        personal = int((r["gevolg"] == "weggelaten (mogelijk persoonsgegevens)").sum())
        parts = [f"{len(self.notes)} notities overgenomen"]
        parts.append(f"{skipped} object{'' if skipped == 1 else 'en'} niet overgenomen")
        if personal:
            parts.append(f"{personal} eigenschappen met mogelijk persoonsgegevens weggelaten")
        parts.append(f"{len(r)} meldingen in het rapport")
        return "; ".join(parts) + "."


def _json_default(value: Any) -> Any:
    if isinstance(value, (pd.Timestamp,)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if np.isnan(value) else float(value)
    raise TypeError(type(value))


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, np.generic):
        return value.item()
    return value


def save_notes(notes: gpd.GeoDataFrame, path: Path | str) -> Path:
    """Save notes as a GeoJSON file (WGS84), readable by uMap, QGIS and :func:`load_notes`.

    Parameters
    ----------
    notes : geopandas.GeoDataFrame
    path : Path or str
        Target file, e.g. ``data/kaartnotities.geojson``; folders are created.

    Returns
    -------
    Path
        The written file.
    """
    _check_notes(notes)
    data = notes.to_crs("EPSG:4326") if notes.crs is not None else notes
    keep = [c for c in data.columns if c != "geometry"]
    features = []
    for i, row in enumerate(data.itertuples(index=False)):
        record = row._asdict()
        features.append(
            {
                "type": "Feature",
                "id": i + 1,
                "properties": {c: _cell(record[c]) for c in keep},
                "geometry": None if record["geometry"] is None
                else shape_mapping(record["geometry"]),
            }
        )
    collection = {
        "type": "FeatureCollection",
        "wijklib": {
            "soort": "kaartnotities",
            "versie": 1,
            "oefendata": bool(notes.attrs.get("oefendata", False)),
        },
        "features": features,
    }
    return atomic_write_text(
        path, json.dumps(collection, ensure_ascii=False, indent=1, default=_json_default)
    )


def load_notes(path: Path | str) -> gpd.GeoDataFrame:
    """Load notes saved with :func:`save_notes` (or a GeoJSON with the same columns).

    Parameters
    ----------
    path : Path or str

    Returns
    -------
    geopandas.GeoDataFrame

    Raises
    ------
    NotesFileError
        When the file cannot be read, or when some features are not usable; the message
        says to use :func:`import_geojson`, which reports feature by feature.
    """
    result = import_geojson(path)
    not_used = result.rapport["gevolg"] == "niet overgenomen"
    if not_used.any():
        raise NotesFileError(
            f"In {Path(path).name} zijn {int(not_used.sum())} objecten niet bruikbaar als "
            "kaartnotitie. Lees het bestand met import_geojson(...): die laat per object "
            "zien wat er mis is."
        )
    return result.notes


def _read_error(name: str, err: Any) -> NotesFileError:
    first = err.entries[0]
    return NotesFileError(f"{name}: {first['probleem']}. {first['wat_te_doen']}")


def _kml_data(document: Any) -> dict[str, Any]:
    """A KML document as layers of GeoJSON features (a folder is a layer, as in uMap)."""
    layers: dict[str | None, list[dict[str, Any]]] = {}
    for placemark in document.placemarks:
        props: dict[str, Any] = {"name": placemark.name, "description": placemark.description}
        if placemark.when:
            props["datum"] = placemark.when
        for key, value in placemark.data.items():
            props.setdefault(key, value)
        layers.setdefault(placemark.folder, []).append(
            {"type": "Feature", "properties": props, "geometry": placemark.geometry})
    return {"type": "kml", "layers": [{"name": name, "features": features}
                                      for name, features in layers.items()]}


def _load_source(source: Any) -> tuple[Any, str]:
    """The document and its name: GeoJSON (also uMap), or KML/KMZ (Google My Maps)."""
    from wijklib.guarantees import reading

    if isinstance(source, Mapping):
        return dict(source), "GeoJSON"
    if isinstance(source, str) and source.lstrip().startswith("{"):
        text, name = source, "GeoJSON"
    else:
        path = Path(source)
        if not path.is_file():
            raise NotesFileError(
                f"Het bestand {path} bestaat niet. Controleer de naam en de map "
                "(zet je eigen bestanden in data/)."
            )
        name = path.name
        try:
            raw = reading.read_bytes(path)
            if raw.startswith(b"PK\x03\x04") or raw.lstrip(b"\xef\xbb\xbf \t\r\n"
                                                            ).startswith(b"<"):
                return _kml_data(reading.read_kml(raw)), name
        except reading.FileReadError as err:
            raise _read_error(name, err) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    try:
        return json.loads(text), name
    except json.JSONDecodeError as err:
        raise NotesFileError(
            f"{name} is geen geldig GeoJSON-bestand (fout op regel {err.lineno}). "
            "Exporteer de kaart opnieuw als GeoJSON (in uMap: Delen → Downloaden → geojson) "
            "of als KML (Google My Maps)."
        ) from err


def _crs_of(data: Mapping[str, Any]) -> int | None:
    """EPSG code of an old-style GeoJSON ``crs`` member (None for WGS84/absent)."""
    crs = data.get("crs")
    if not isinstance(crs, Mapping):
        return None
    name = str((crs.get("properties") or {}).get("name", ""))
    if "CRS84" in name.upper():
        return None
    match = re.search(r"(\d{4,5})\s*$", name)
    if match is None:
        return None
    code = int(match.group(1))
    return None if code == 4326 else code


def _layers(data: Any) -> tuple[list[tuple[str | None, list[Any], int | None]], bool]:
    """Split a document into (layer name, features, crs); also tell whether a layer's name
    is a category (uMap, and the folders of a KML file)."""
    if not isinstance(data, Mapping):
        raise NotesFileError(
            "Dit is geen GeoJSON: ik verwacht een FeatureCollection (of een .umap-bestand)."
        )
    kind = data.get("type")
    if kind == "kml":  # from _kml_data: a folder of Google My Maps is a layer
        return [(layer["name"], layer["features"], None) for layer in data["layers"]], True
    if kind == "umap":
        layers = []
        for i, layer in enumerate(data.get("layers") or [], start=1):
            if not isinstance(layer, Mapping):
                continue
            options = layer.get("_umap_options") or {}
            name = options.get("name") if isinstance(options, Mapping) else None
            layers.append((str(name) if name else f"laag {i}", list(layer.get("features") or []),
                           _crs_of(layer)))
        return layers, True
    if kind == "FeatureCollection":
        options = data.get("_umap_options")
        name = options.get("name") if isinstance(options, Mapping) else None
        features = data.get("features")
        if not isinstance(features, list):
            raise NotesFileError("De FeatureCollection heeft geen lijst 'features'.")
        umap = isinstance(options, Mapping) or any(
            isinstance(f, Mapping) and "_umap_options" in (f.get("properties") or {})
            for f in features
        )
        return [(str(name) if name else None, features, _crs_of(data))], umap
    if kind == "Feature":
        umap = "_umap_options" in (data.get("properties") or {})
        return [(None, [data], _crs_of(data))], umap
    raise NotesFileError(
        f"Dit GeoJSON-bestand is van het type '{kind}'. Ik kan een FeatureCollection, "
        "een Feature of een uMap-bestand (.umap) lezen. Exporteer de kaartlaag als GeoJSON."
    )


def _first(props: Mapping[str, Any], keys: Iterable[str]) -> tuple[str | None, Any]:
    lookup = {_key(k): k for k in props}
    for key in keys:
        original = lookup.get(_key(key))
        if original is not None:
            value = props[original]
            if value is not None and str(value).strip() != "":
                return original, value
    return None, None


def _empty_value(value: Any) -> bool:
    return value is None or str(value).strip() == ""


def _objects(count: int) -> str:
    return f"{count} overgenomen object" + ("" if count == 1 else "en")


def _short(value: Any, n: int = 60) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _text_of(props: Mapping[str, Any], text_field: str | None) -> tuple[str | None, set[str]]:
    """The note text, and which properties it came from."""
    if text_field is not None:
        value = props.get(text_field)
        if value is None or str(value).strip() == "":
            return None, {text_field}
        return " ".join(str(value).split()), {text_field}
    title_key, title = _first(props, _TITLE_KEYS)
    body_key, body = _first(props, _TEXT_KEYS)
    used = {k for k in (title_key, body_key) if k}
    title = " ".join(str(title).split()) if title is not None else ""
    body = " ".join(str(body).split()) if body is not None else ""
    if title and body and not body.lower().startswith(title.lower()):
        return f"{title}: {body}", used
    return (body or title or None), used


def import_geojson(
    source: Path | str | Mapping[str, Any],
    mapping: Mapping[str, str] | None = None,
    *,
    category_field: str | None = None,
    text_field: str | None = None,
    default_category: str | None = None,
    bron: str | None = None,
) -> NotesImport:
    """Read map notes from uMap, Google My Maps, Mapsurvey, KoBoToolbox, the drawing tool
    or any GeoJSON.

    A KML or KMZ file (Google My Maps: menu → Exporteren naar KML/KMZ) is read by
    :func:`wijklib.guarantees.reading.read_kml` (safe XML parser, size limit). Each
    placemark is a feature: its ``name`` and ``description`` (HTML tags removed, the text
    kept), ``TimeStamp`` as the date, ``ExtendedData`` as properties, and its folder (a
    My Maps layer) as the layer whose name can be the category, as in uMap. Points and
    areas are taken (an area of several parts is one note; several points of one
    placemark become a note each, reported); lines (a route, a Google Earth GPS track)
    and mixed shapes are reported and not taken, like in
    GeoJSON. Styles and icons are how the map looks, not notes: they are not read.

    What is read from each feature:

    * location: a point or an area (polygon); lines and empty locations are reported.
      An old-style ``crs`` member (for example EPSG:28992, Rijksdriehoek) is converted;
    * ``categorie``: from ``category_field``, else the first of ``categorie``,
      ``category``, ``cat``, ``soort``, ``type``, ``kind``, ``label``; in a uMap file the
      name of the layer (``_umap_options``) when a feature has none; else
      ``default_category``. Values are matched without case and plural (``Kansen``,
      ``knelpunten``, ``idea``); your own ``mapping`` comes first;
    * ``tekst``: from ``text_field``, else uMap's ``name`` (also ``title``/``titel``: the
      title of a note; ``naam`` is treated as a person's name and dropped) and
      ``description`` (also ``beschrijving``, ``omschrijving``, ``tekst``,
      ``opmerking``, …);
    * ``datum`` (``datum``, ``date``, ``_submission_time`` …) and ``bron``.

    Properties that may hold personal data (``voornaam``, ``achternaam``, ``auteur``,
    ``email``, ``telefoon``, ``adres``, ``postcode``, ``leeftijd`` …) are dropped and
    reported without their values. E-mail addresses, phone numbers and addresses inside
    a text are replaced by ``[weggehaald]`` and reported. Every feature that cannot be
    used is reported with the reason; every property that is not used is reported once.

    Parameters
    ----------
    source : Path, str or dict
        A ``.geojson``/``.json``/``.umap``/``.kml``/``.kmz`` file, GeoJSON text, or an
        already loaded dict.
    mapping : dict, optional
        Your translation of categories, e.g. ``{"speelplek": "favoriete plek",
        "zorgpunt": "knelpunt"}``.
    category_field, text_field : str, optional
        The property that holds the category or the text, if it has another name.
    default_category : str, optional
        Category for features without one (e.g. a uMap layer that only has ideas).
    bron : str, optional
        Source for all notes; default the file name (or the layer name in uMap).

    Returns
    -------
    NotesImport
        ``notes, rapport = import_geojson(...)``; ``.summary()`` gives one line.

    Raises
    ------
    NotesFileError
        The file does not exist, is too large, or is not GeoJSON or KML at all (also a
        KML with a DTD or entities, which is refused).
    InvalidChoiceError
        ``mapping`` or ``default_category`` names a category that does not exist.
    """
    from wijklib.guarantees.privacy import mask_personal, report_value

    mapping = _check_mapping(mapping)
    default = _check_category(default_category) if default_category is not None else None
    data, source_name = _load_source(source)
    layers, is_umap = _layers(data)
    layer_source = source_name if data.get("type") == "kml" else "uMap"
    own_file = isinstance(data.get("wijklib"), Mapping)  # written by save_notes
    known = {_key(k) for k in (*_CATEGORY_KEYS, *_TITLE_KEYS, *_TEXT_KEYS, *_DATE_KEYS,
                               *_SOURCE_KEYS, *_AREA_KEYS, category_field or "",
                               text_field or "") if k}
    report: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    unused: dict[str, int] = {}
    personal: dict[str, int] = {}
    number = 0

    def problem(obj: int | None, layer: str | None, prop: str | None, value: Any,
                text: str, effect: str) -> None:
        report.append({"object": obj, "laag": layer, "eigenschap": prop,
                       "waarde": report_value(value),
                       "probleem": text, "gevolg": effect})

    for layer_name, features, crs in layers:
        transformer = None
        if crs is not None:
            try:
                gpd.GeoSeries([], crs=f"EPSG:{crs}")
                transformer = f"EPSG:{crs}"
            except Exception:  # pyproj's CRSError (and others) for unknown codes
                transformer = None
        for feature in features:
            number += 1
            if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
                problem(number, layer_name, None, None,
                        "Dit object is geen GeoJSON-Feature.", "niet overgenomen")
                continue
            props = feature.get("properties") or {}
            if not isinstance(props, Mapping):
                props = {}
            geometry = feature.get("geometry")
            if crs is not None and transformer is None:
                problem(number, layer_name, "crs", f"EPSG:{crs}",
                        f"Het coördinatenstelsel EPSG:{crs} ken ik niet. Exporteer in WGS84 "
                        "(EPSG:4326).", "niet overgenomen")
                continue
            geom, geom_problem = _feature_geometry(geometry, transformer)
            if geom_problem:
                problem(number, layer_name, "geometry", None, geom_problem, "niet overgenomen")
                continue
            if geom_problem is None and not geom.is_valid:
                fixed = shapely.make_valid(geom)
                polys = [g for g in getattr(fixed, "geoms", [fixed])
                         if g.geom_type in ("Polygon", "MultiPolygon")]
                if not polys:
                    problem(number, layer_name, "geometry", None,
                            "Het vlak is ongeldig en niet te herstellen.", "niet overgenomen")
                    continue
                geom = shapely.union_all(polys)
                problem(number, layer_name, "geometry", None,
                        "Het vlak kruiste zichzelf; het is hersteld.", "aangepast")
            # category
            if category_field is not None:
                cat_key = category_field if category_field in props else None
                cat_value = props.get(category_field)
            else:
                cat_key, cat_value = _first(props, _CATEGORY_KEYS)
            used = {cat_key} if cat_key else set()
            categorie = None
            if cat_value is not None and str(cat_value).strip():
                categorie = normalise_category(cat_value, mapping)
                if categorie is None:
                    hint = _category_suggestion(cat_value)
                    maybe = f" Lijkt op '{hint}'." if hint else ""
                    problem(
                        number, layer_name, cat_key, cat_value,
                        f"De categorie '{_short(cat_value, 40)}' ken ik niet.{maybe} Zeg wat "
                        "ermee bedoeld wordt, bijvoorbeeld: import_geojson(bestand, mapping="
                        f"{{'{_short(cat_value, 40)}': '{hint or 'knelpunt'}'}}). Kies uit: "
                        + ", ".join(CATEGORIES) + ".",
                        "niet overgenomen",
                    )
                    continue
            elif is_umap and layer_name:
                categorie = normalise_category(layer_name, mapping)
                if categorie is None and default is None:
                    hint = _category_suggestion(layer_name)
                    problem(
                        number, layer_name, "laag", layer_name,
                        f"Dit object heeft geen categorie en de laag '{_short(layer_name, 40)}' "
                        "is geen bekende categorie. Geef de laagnaam een categorie mee, "
                        f"bijvoorbeeld mapping={{'{_short(layer_name, 40)}': "
                        f"'{hint or 'kans'}'}}, of kies default_category=...",
                        "niet overgenomen",
                    )
                    continue
            if categorie is None:
                if default is None:
                    problem(
                        number, layer_name, category_field, None,
                        "Dit object heeft geen categorie. Geef de eigenschap met de categorie "
                        "op (category_field=...) of kies een categorie voor alle objecten "
                        "zonder categorie (default_category=...).",
                        "niet overgenomen",
                    )
                    continue
                categorie = default
            # text
            tekst, text_keys = _text_of(props, text_field)
            used |= text_keys
            if tekst is None:
                problem(number, layer_name, text_field, None,
                        "Deze notitie heeft geen tekst.", "overgenomen zonder tekst")
            else:
                masked, found = mask_personal(tekst)
                if found:
                    problem(number, layer_name, ", ".join(sorted(text_keys)) or None, None,
                            f"De tekst leek {' en '.join(found)} te bevatten; dat is "
                            "vervangen door [weggehaald].", "aangepast")
                    tekst = masked
                if len(tekst) > MAX_TEXT:
                    problem(number, layer_name, ", ".join(sorted(text_keys)) or None,
                            tekst, f"De tekst is {len(tekst)} tekens; ingekort tot {MAX_TEXT}.",
                            "aangepast")
                    tekst = tekst[: MAX_TEXT - 1].rstrip() + "…"
            # date
            date_key, date_value = _first(props, _DATE_KEYS)
            datum = None
            if date_key is not None:
                used.add(date_key)
                datum = _parse_date(date_value)
                if datum is None:
                    problem(number, layer_name, date_key, date_value,
                            "Deze datum begrijp ik niet; schrijf hem als 2026-03-14.",
                            "overgenomen zonder datum")
            # source
            source_key, source_value = _first(props, _SOURCE_KEYS)
            if source_key is not None:
                used.add(source_key)
            note_source = bron or (str(source_value) if source_value is not None else None)
            if note_source is None and not own_file:
                note_source = (f"{layer_source}: {layer_name}" if is_umap and layer_name
                               else source_name)
            if note_source is not None:
                note_source, found = mask_personal(" ".join(note_source.split())[:100])
            else:
                found = []
            if found:
                problem(number, layer_name, source_key, None,
                        "De bron leek persoonsgegevens te bevatten; vervangen door "
                        "[weggehaald].", "aangepast")
            row = {"categorie": categorie, "tekst": tekst, "datum": datum,
                   "bron": note_source, "geometry": geom}
            for key in _AREA_KEYS:
                if key in props:
                    used.add(key)
                    row[key] = _clean_area_value(key, props[key])
            for key in props:
                if key in used:
                    continue
                if _key(key) in known and _empty_value(props[key]):
                    continue  # a known property left empty: nothing was lost
                if _is_personal_key(key):
                    personal[key] = personal.get(key, 0) + 1
                else:
                    unused[key] = unused.get(key, 0) + 1
            if geom.geom_type == "MultiPoint":  # several places, one text: a note each
                problem(number, layer_name, "geometry", None,
                        f"Dit object had {len(geom.geoms)} punten; elk punt is nu een eigen "
                        "notitie met dezelfde tekst.", "aangepast")
                rows.extend({**row, "geometry": point} for point in geom.geoms)
            else:
                rows.append(row)
    for key, count in personal.items():
        problem(None, None, key, None,
                f"Deze eigenschap kan persoonsgegevens bevatten (bij {_objects(count)}). "
                "Kaartnotities bewaren geen namen, adressen of contactgegevens.",
                "weggelaten (mogelijk persoonsgegevens)")
    for key, count in unused.items():
        problem(None, None, key, None,
                f"Deze eigenschap wordt niet gebruikt (bij {_objects(count)}).",
                "niet overgenomen (niet nodig)")
    if number == 0:
        problem(None, None, None, None, "Het bestand bevat geen objecten.", "niets overgenomen")
    attrs = {}
    meta = data.get("wijklib") if isinstance(data, Mapping) else None
    if isinstance(meta, Mapping) and meta.get("oefendata"):
        attrs["oefendata"] = True
    notes = _frame(rows, attrs)
    rapport = pd.DataFrame(report, columns=_REPORT_COLUMNS)
    rapport["object"] = rapport["object"].astype("Int64")
    for column in _REPORT_COLUMNS[1:]:
        rapport[column] = rapport[column].astype("str")
    return NotesImport(notes, rapport)


def _clean_area_value(key: str, value: Any) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    text = " ".join(str(value).split())
    if key == "buurtcode":
        text = text.upper()
        return text if re.fullmatch(r"BU\d{8}", text) else None
    return text[:100]


def _parse_date(value: Any) -> pd.Timestamp | None:
    text = str(value).strip()
    if re.fullmatch(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{4}", text):
        parsed = pd.to_datetime(text, dayfirst=True, errors="coerce")
    else:
        parsed = pd.to_datetime(text, errors="coerce", utc=True)
        if not pd.isna(parsed):
            parsed = parsed.tz_convert("Europe/Amsterdam").tz_localize(None)
    if pd.isna(parsed):
        return None
    return pd.Timestamp(parsed).normalize()


def _feature_geometry(geometry: Any, transformer: str | None) -> tuple[Any, str | None]:
    """Return (shape, None) or (None, Dutch problem)."""
    if geometry is None:
        return None, "Dit object heeft geen locatie (geometry is leeg)."
    try:
        geom = to_shape(geometry)
    except Exception:  # shapely raises several types for malformed coordinates
        return None, "De locatie van dit object kan ik niet lezen (coördinaten kloppen niet)."
    if geom.is_empty:
        return None, "Dit object heeft een lege locatie."
    if geom.geom_type == "MultiPoint" and len(geom.geoms) == 1:
        geom = geom.geoms[0]
    kind = geom.geom_type
    if kind not in ("Point", "MultiPoint", "Polygon", "MultiPolygon"):
        label = _GEOMETRY_LABELS.get(kind, kind)
        return None, (
            f"Dit object is een {label}. Een kaartnotitie is een punt of een vlak; "
            "teken het opnieuw als punt of vlak."
        )
    if transformer is not None:
        geom = gpd.GeoSeries([geom], crs=transformer).to_crs("EPSG:4326").iloc[0]
    if not np.isfinite(geom.bounds).all():
        return None, "De locatie van dit object bevat ongeldige getallen."
    if not _in_nl(geom):
        swapped = ""
        try:
            if _swapped(geom):
                swapped = " Waarschijnlijk zijn lengte- en breedtegraad omgewisseld."
        except Exception:  # pragma: no cover - defensive
            swapped = ""
        return None, (
            "Dit object ligt (deels) buiten Nederland." + swapped
            + " Controleer de kaart waar het vandaan komt."
        )
    return geom, None


# ---------------------------------------------------------------------------------------
# Buurten and counts
# ---------------------------------------------------------------------------------------


def _check_areas(gebieden: Any) -> gpd.GeoDataFrame:
    if not isinstance(gebieden, gpd.GeoDataFrame) or not {"code", "naam"} <= set(
        gebieden.columns
    ):
        raise InvalidChoiceError(
            "Geef de buurtgrenzen uit wijklib.gebieden(...): een kaarttabel met de kolommen "
            "'code' en 'naam'."
        )
    if gebieden.crs is None:
        raise InvalidChoiceError(
            "De buurtgrenzen hebben geen coördinatenstelsel (crs). Gebruik wijklib.gebieden()."
        )
    return gebieden


def assign_buurt(notes: gpd.GeoDataFrame, gebieden: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add the buurt of each note (``buurtcode`` and ``buurtnaam``).

    A point gets the buurt it lies in; an area the buurt of a point inside the area
    (:meth:`~geopandas.GeoSeries.representative_point`), so every note counts once.
    Notes outside all buurten get an empty buurtcode (not a made-up one).

    Parameters
    ----------
    notes : geopandas.GeoDataFrame
        Notes table.
    gebieden : geopandas.GeoDataFrame
        Buurt boundaries from :func:`wijklib.gebieden` (columns ``code``, ``naam``).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``notes`` with ``buurtcode`` and ``buurtnaam`` (replaced if present).
        ``attrs["buiten_gebied"]`` is the number of notes outside the buurten.
    """
    _check_notes(notes)
    areas = _check_areas(gebieden)
    out = notes.drop(columns=[c for c in ("buurtcode", "buurtnaam") if c in notes.columns])
    if out.empty:
        out = out.copy()
        out["buurtcode"] = pd.Series(dtype="str")
        out["buurtnaam"] = pd.Series(dtype="str")
        out.attrs = {**notes.attrs, "buiten_gebied": 0}
        return out
    areas = areas[["code", "naam", "geometry"]].sort_values("code")
    if areas.crs != out.crs:
        areas = areas.to_crs(out.crs)
    anchors = gpd.GeoDataFrame(
        {"_row": np.arange(len(out))},
        geometry=out.geometry.representative_point().values,
        crs=out.crs,
    )
    joined = gpd.sjoin(anchors, areas, how="left", predicate="intersects")
    joined = joined.sort_values(["_row", "code"]).drop_duplicates("_row", keep="first")
    joined = joined.set_index("_row").reindex(np.arange(len(out)))
    out = out.copy()
    out["buurtcode"] = pd.Series(joined["code"].to_numpy(), index=out.index, dtype="str")
    out["buurtnaam"] = pd.Series(joined["naam"].to_numpy(), index=out.index, dtype="str")
    out.attrs = {**notes.attrs, "buiten_gebied": int(out["buurtcode"].isna().sum())}
    return out


def count_notes(
    notes: gpd.GeoDataFrame,
    by: str | Iterable[str] = ("buurtcode", "categorie"),
    min_n: int | str | None = NO_SUPPRESSION,
    *,
    gebieden: gpd.GeoDataFrame | None = None,
    wide: bool = False,
) -> pd.DataFrame:
    """Count notes per buurt and category (or any other columns).

    Every category appears, also with 0 notes: a zero here is a real zero (no note
    placed), not a missing figure. Notes without a buurt are counted in a row with an
    empty ``buurtcode``.

    Parameters
    ----------
    notes : geopandas.GeoDataFrame
        Notes with a ``buurtcode`` column (see :func:`assign_buurt`) when counting per buurt.
    by : str or sequence of str, default ("buurtcode", "categorie")
        Columns to count by.
    min_n : int, "standaard" or None, default 1
        Blank counts from 1 up to this number minus one, with
        :func:`wijklib.guarantees.privacy.suppress`; a 0 stays (it reveals no one) and a column
        ``verborgen`` says which rows were blanked. The default 1 hides nothing (see the
        module text: map notes). ``None`` or ``"standaard"`` is the usual minimum group
        size (:func:`wijklib.guarantees.privacy.min_group_size`: ``WIJKLIB_MIN_GROEP``,
        default 10).
    gebieden : geopandas.GeoDataFrame, optional
        Buurten from :func:`wijklib.gebieden`: buurten without notes then get rows too.
    wide : bool, default False
        One row per buurt and one column per category (plus ``totaal`` when nothing is
        hidden; a total next to hidden cells would give them away).

    Returns
    -------
    pandas.DataFrame
        Long: the ``by`` columns (plus ``buurtnaam`` when known) and ``aantal``
        (``Int64``; empty where hidden). ``attrs["min_n"]`` records the threshold used.
    """
    _check_notes(notes)
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise InvalidChoiceError("Kies minstens één kolom om op te tellen, zoals 'categorie'.")
    missing = [k for k in keys if k not in notes.columns]
    if missing:
        hint = (
            " Voeg eerst de buurt toe met assign_buurt(notes, gebieden)."
            if "buurtcode" in missing else ""
        )
        raise InvalidChoiceError(
            f"De notities hebben geen kolom {', '.join(repr(m) for m in missing)}.{hint}"
        )
    data = pd.DataFrame(notes.drop(columns="geometry"))
    levels: dict[str, list[Any]] = {}
    for key in keys:
        values = list(pd.unique(data[key].dropna()))
        if key == "categorie":
            values = list(CATEGORIES) + sorted(v for v in values if v not in CATEGORIES)
        elif key == "buurtcode" and gebieden is not None:
            values = sorted(set(values) | set(_check_areas(gebieden)["code"]))
        else:
            values = sorted(values, key=str)
        if data[key].isna().any():
            values.append(None)
        levels[key] = values
    counts = data.groupby(keys, dropna=False).size()
    index = pd.MultiIndex.from_product([levels[k] for k in keys], names=keys)
    lookup = {(k if isinstance(k, tuple) else (k,)): int(v) for k, v in counts.items()}

    def _norm(key: tuple) -> tuple:
        return tuple(None if (v is None or (isinstance(v, float) and np.isnan(v))) else v
                     for v in key)

    lookup = {_norm(k): v for k, v in lookup.items()}
    rows = [dict(zip(keys, combo, strict=True)) | {"aantal": lookup.get(_norm(combo), 0)}
            for combo in index]
    out = pd.DataFrame(rows, columns=[*keys, "aantal"])
    for key in keys:
        out[key] = out[key].astype(notes[key].dtype if notes[key].dtype != object else "str")
    names = _buurt_names(notes, gebieden)
    if "buurtcode" in keys and names:
        position = keys.index("buurtcode") + 1
        out.insert(position, "buurtnaam", out["buurtcode"].map(names).astype("str"))
    out["aantal"] = out["aantal"].astype("Int64")
    threshold = min_group_size(min_n)
    if threshold > NO_SUPPRESSION:
        out = _suppress_counts(out, threshold)
    out.attrs = {"min_n": threshold, "oefendata": bool(notes.attrs.get("oefendata", False))}
    if not wide:
        return out
    return _widen(out, keys, threshold)


def _buurt_names(notes: pd.DataFrame, gebieden: gpd.GeoDataFrame | None) -> dict[str, str]:
    names: dict[str, str] = {}
    if gebieden is not None:
        names.update(dict(zip(gebieden["code"], gebieden["naam"], strict=False)))
    if "buurtnaam" in notes.columns and "buurtcode" in notes.columns:
        known = notes[["buurtcode", "buurtnaam"]].dropna()
        names.update(dict(zip(known["buurtcode"], known["buurtnaam"], strict=False)))
    return names


def _suppress_counts(frame: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Blank counts below ``min_n`` with :func:`wijklib.guarantees.privacy.suppress`.

    Each count is its own group size; a 0 is kept (it reveals no one). A column
    ``verborgen`` says which rows were blanked.
    """
    from wijklib.guarantees.privacy import suppress

    result = suppress(frame, None, ["aantal"], min_n, keep_zero=True)
    result["aantal"] = pd.to_numeric(result["aantal"], errors="coerce").astype("Int64")
    return result


def _widen(long: pd.DataFrame, keys: list[str], threshold: int) -> pd.DataFrame:
    if "categorie" not in keys or len(keys) == 1:
        return long
    rows = [k for k in keys if k != "categorie"]
    if "buurtnaam" in long.columns:
        rows = rows + ["buurtnaam"] if "buurtcode" in rows else rows
    wide = long.set_index([*rows, "categorie"])["aantal"].unstack("categorie")
    order = [c for c in CATEGORIES if c in wide.columns] + [
        c for c in wide.columns if c not in CATEGORIES
    ]
    wide = wide[order].astype("Int64")
    if threshold <= NO_SUPPRESSION:
        wide["totaal"] = wide.sum(axis=1).astype("Int64")
    wide.columns.name = None
    out = wide.reset_index()
    out.attrs = dict(long.attrs)
    return out


# ---------------------------------------------------------------------------------------
# The map
# ---------------------------------------------------------------------------------------


def _marker_html(category: Category, size: int = 22) -> str:
    radius = {"circle": "50%", "square": "2px", "diamond": "2px", "rounded": "30%"}[
        category.shape
    ]
    rotate = "transform:rotate(45deg);" if category.shape == "diamond" else ""
    unrotate = "transform:rotate(-45deg);" if category.shape == "diamond" else ""
    inner = size - 4
    return (
        f'<div style="width:{inner}px;height:{inner}px;background:{category.colour};'
        f"border:2px solid #ffffff;border-radius:{radius};box-shadow:0 0 0 1px #333;"
        f'{rotate}display:flex;align-items:center;justify-content:center">'
        f'<span style="{unrotate}color:{category.text_colour};font:bold 13px/1 sans-serif">'
        f"{escape(category.symbol)}</span></div>"
    )


def _legend_html(
    counts: dict[str, int], total: int, practice: bool, outside: int, draw: bool
) -> str:
    rows = "".join(
        '<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
        f'<span class="wijklib-legend-icon" style="flex:none">{_marker_html(c, 18)}</span>'
        f"<span>{escape(c.label)} ({counts.get(c.key, 0)})</span></div>"
        for c in CATEGORIES.values()
    )
    hint = (
        "<div><small>Teken zelf: gebruik de knoppen links; kies een categorie en schrijf "
        "een tekst; bewaar met ‘Download tekening’.</small></div>" if draw else ""
    )
    extra = ""
    if practice:
        extra += "<div><em>Oefendata: verzonnen notities, niet echt.</em></div>"
    if outside:
        extra += f"<div>{outside} notities liggen buiten de buurten.</div>"
    return (
        '<div class="wijklib-legend wijklib-notes-legend" style="position:absolute;bottom:24px;'
        "right:10px;z-index:9999;background:rgba(255,255,255,.93);padding:8px 10px;"
        "border-radius:4px;font:12px/1.4 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3);"
        f'max-width:260px"><details open><summary style="cursor:pointer">'
        f"<strong>Kaartnotities ({total})</strong></summary>{rows}{extra}{hint}</details></div>"
    )


def _note_texts(row: Any, category: Category) -> tuple[str, str]:
    """Tooltip and popup HTML of one note; every user text escaped."""
    text = row.get("tekst")
    has_text = isinstance(text, str) and text != ""
    shown = escape(text) if has_text else "<em>(geen tekst)</em>"
    short = shown
    if has_text and len(text) > 80:
        short = escape(text[:79] + "…")
    tip = f"<strong>{escape(category.label)}</strong>: {short}"
    lines = [f"<strong>{escape(category.label)}</strong>", shown]
    buurt = row.get("buurtnaam")
    if isinstance(buurt, str) and buurt:
        lines.append(f"<small>Buurt: {escape(buurt)}</small>")
    datum = row.get("datum")
    if datum is not None and not pd.isna(datum):
        lines.append(f"<small>Datum: {escape(pd.Timestamp(datum).strftime('%d-%m-%Y'))}"
                     "</small>")
    bron = row.get("bron")
    if isinstance(bron, str) and bron:
        lines.append(f"<small>Bron: {escape(bron)}</small>")
    popup = '<div class="wijklib-note-popup" style="max-width:260px">' + "<br>".join(lines)
    return tip, popup + "</div>"


def _draw_control(filename: str) -> Any:
    """A folium Draw control with Dutch texts and a form for category and text."""
    from folium.plugins import Draw
    from folium.template import Template

    from wijklib.guarantees.rendering import TEMPLATES

    class NotesDraw(Draw):
        # the JavaScript lives in a template file (wijklib/templates/kaart-tekenen.js.j2)
        _template = Template((TEMPLATES / "kaart-tekenen.js.j2").read_text("utf-8"))

    control = NotesDraw(
        export=True,
        filename=filename,
        position="topleft",
        show_geometry_on_click=False,
        draw_options={
            "polyline": False, "circle": False, "circlemarker": False,
            "marker": True, "polygon": {"allowIntersection": False}, "rectangle": True,
        },
    )
    control.categories = [[c.key, c.label] for c in CATEGORIES.values()]
    control.max_text = MAX_TEXT
    return control


def notes_map(
    notes: gpd.GeoDataFrame,
    gebieden: gpd.GeoDataFrame | None = None,
    focus: str | None = None,
    *,
    tiles: str | None = "OpenStreetMap",
    draw: bool = True,
    filename: str = "kaartnotities.geojson",
):
    """A folium map of the notes, with a legend and a drawing tool.

    Each note is a marker (points) or a shape (areas) in its category's colour, shape and
    symbol (:data:`CATEGORIES`); hovering shows the category and the text, clicking shows
    text, buurt, date and source. All texts are escaped, so resident text is shown as
    text and never runs as code. Categories can be switched on and off (top right).

    With ``draw=True`` a group can draw new points and areas (buttons on the left), pick a
    category and write a text in the form that opens, and save the drawing with
    "Download tekening" (a GeoJSON file for :func:`import_geojson`).

    Parameters
    ----------
    notes : geopandas.GeoDataFrame
        Notes (optionally with ``buurtnaam`` from :func:`assign_buurt`).
    gebieden : geopandas.GeoDataFrame, optional
        Buurt boundaries (:func:`wijklib.gebieden`), drawn as thin outlines.
    focus : str, optional
        Buurtcode to outline and zoom to (needs ``gebieden``).
    tiles : str or None, default "OpenStreetMap"
        Background; None for no background (works fully offline).
    draw : bool, default True
        Add the drawing tool.
    filename : str
        Name of the downloaded drawing.

    Returns
    -------
    folium.Map
        Show it with :func:`wijklib.notebook.offline.show`, save it with
        :func:`wijklib.notebook.offline.save_map`.
    """
    import folium

    _check_notes(notes)
    data = notes.to_crs("EPSG:4326") if notes.crs is not None else notes
    from wijklib.tellen.maps import lean_map, map_credit

    notes_credit = ("notities: oefendata (verzonnen)" if notes.attrs.get("oefendata")
                    else "notities: van de groep")
    credit = (map_credit(gebieden, notes_credit) if gebieden is not None
              else notes_credit.capitalize())
    # Leaflet only (plus Leaflet.draw, added by the plugin): DivIcon markers, GeoJSON
    # popups and the layer control need nothing else. The scale bar sits bottom left,
    # away from the legend (bottom right).
    m = lean_map(tiles, credit, scale_position="bottomleft", zoom_control=True)
    bounds = None
    if gebieden is not None:
        areas = _check_areas(gebieden).to_crs("EPSG:4326")
        if focus is not None:
            from wijklib.data.areas import find_area

            focus = str(find_area(areas, focus)["code"])  # a name works too; unknown raises
        is_focus = (areas["code"] == focus).to_numpy()
        outline = gpd.GeoDataFrame(
            {"focus": is_focus},
            geometry=shapely.set_precision(
                areas.geometry.simplify(2e-5, preserve_topology=True).values, 1e-5
            ),
            crs="EPSG:4326",
        ).sort_values("focus", kind="stable")  # the focus buurt last, so on top
        folium.GeoJson(
            outline.__geo_interface__,
            name="Buurtgrenzen",
            style_function=lambda f: {
                "fill": False,
                "color": FOCUS_COLOUR if f["properties"]["focus"] else "#555555",
                "weight": 3 if f["properties"]["focus"] else 1,
                "opacity": 0.9 if f["properties"]["focus"] else 0.7,
            },
            control=False,
            interactive=False,
        ).add_to(m)
        if focus is not None:
            bounds = areas[is_focus].total_bounds
        elif len(areas):
            bounds = areas.total_bounds
    elif focus is not None:
        raise InvalidChoiceError(
            "Om op een buurt in te zoomen (focus) heb ik de buurtgrenzen nodig: "
            "geef ook gebieden=wijklib.gebieden(...)."
        )
    if bounds is None and len(data):
        bounds = data.total_bounds
    if bounds is not None and np.isfinite(bounds).all():
        m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    else:
        lon0, lat0, lon1, lat1 = NL_BOUNDS
        m.fit_bounds([[lat0, lon0], [lat1, lon1]])
    counts: dict[str, int] = {}
    records = pd.DataFrame(data.drop(columns="geometry"))
    for key, category in CATEGORIES.items():
        mask = (records["categorie"] == key).to_numpy()
        counts[key] = int(mask.sum())
        if not mask.any():
            continue
        features = []
        for (_, row), geom in zip(records[mask].iterrows(), data.geometry[mask], strict=True):
            if geom is None or geom.is_empty:
                continue
            tip, popup = _note_texts(row, category)
            features.append({"type": "Feature", "geometry": shape_mapping(geom),
                             "properties": {"tip": tip, "popup": popup}})
        style = {
            "color": category.colour, "weight": 2, "fillColor": category.colour,
            "fillOpacity": 0.35, "dashArray": category.dash,
        }
        layer = folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name=escape(f"{category.label} ({counts[key]})"),
            style_function=lambda _f, s=style: s,
            highlight_function=lambda _f: {"weight": 4, "fillOpacity": 0.5},
            marker=folium.Marker(
                icon=folium.DivIcon(
                    html=_marker_html(category),
                    icon_size=(22, 22),
                    icon_anchor=(11, 11),
                    class_name=f"wijklib-note wijklib-note-{key.replace(' ', '-')}",
                )
            ),
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
            popup=folium.GeoJsonPopup(
                fields=["popup"], labels=False, localize=False,
                autoPanPaddingBottomRight=[290, 40],  # open clear of the legend
            ),
        )
        layer.add_to(m)
    other = int((~records["categorie"].isin(list(CATEGORIES))).sum()) if len(records) else 0
    outside = int(records["buurtcode"].isna().sum()) if "buurtcode" in records else 0
    legend = _legend_html(counts, len(data) - other, bool(notes.attrs.get("oefendata")),
                          outside, draw)
    m.get_root().html.add_child(raw_html_element(legend))
    folium.LayerControl(collapsed=True).add_to(m)
    if draw:
        _draw_control(filename).add_to(m)
    return m


# ---------------------------------------------------------------------------------------
# Practice data
# ---------------------------------------------------------------------------------------

#: The text that runs as code when it is inserted as HTML (used in tests).
INJECTION = "<img src=x onerror=alert(1)>"

_PRACTICE_TEXTS: dict[str, tuple[str, ...]] = {
    "kans": (
        "Leeg winkelpand: hier kan een buurtkamer in.",
        "Groot grasveld, geschikt voor een moestuin van de buurt.",
        "Het schoolplein kan na schooltijd open voor de kinderen uit de straat.",
        "Braakliggend stuk grond: maak er een plek om te sporten van.",
        "De kerk heeft een zaal die bijna altijd leeg staat.",
        "Hier wonen veel mensen die graag iets voor een ander doen.",
        "Brede stoep: ruimte voor bankjes en bloembakken.",
        "De sportvereniging zoekt nieuwe leden uit de buurt.",
    ),
    "knelpunt": (
        "Afval naast de containers, elke week weer.",
        "Auto's rijden hier veel te hard.",
        "Stoep is kapot, lastig met een rollator.",
        "Geen plek om te spelen voor kleine kinderen.",
        "Fietsen staan overal op de stoep, je kunt er niet langs.",
        "Portiek wordt slecht schoongemaakt.",
        "Hondenpoep op het grasveld waar kinderen spelen.",
        "Bushalte is weg, ouderen komen moeilijk bij de winkels.",
        "Parkeren op de stoep, rolstoel kan er niet door.",
    ),
    "favoriete plek": (
        "Het bankje bij de vijver: daar zit ik graag.",
        "Speeltuin waar alle kinderen elkaar ontmoeten.",
        "Buurthuis met koffie voor een euro.",
        "Het park, vooral in de zomer.",
        "De markt op zaterdag: daar zie je iedereen.",
        "Moestuin achter de flat, we oogsten samen.",
        "De bibliotheek, fijne plek om te lezen.",
    ),
    "onveilige plek": (
        "Donker fietspad, 's avonds fiets ik hier niet graag.",
        "Tunnel zonder goede verlichting.",
        "Onoverzichtelijke kruising voor kinderen die naar school fietsen.",
        "Achter de garageboxen wordt gedeald.",
        "Slecht verlicht pad naar de bushalte.",
        "Hier wordt vaak ingebroken in auto's.",
    ),
    "idee": (
        "Meer bankjes langs de route naar de supermarkt.",
        "Een zebrapad bij de basisschool.",
        "Bloembakken in de straat, samen onderhouden.",
        "Een buurtfeest op het plein, één keer per jaar.",
        "Een ruilkast voor boeken en speelgoed.",
        "Betere verlichting langs het water.",
        "Een plek waar jongeren zelf iets mogen organiseren.",
    ),
}
_PRACTICE_SOURCES = ("bewonersavond", "wijkschouw", "online kaart", "buurtgesprek")


def _random_point(geom: shapely.Geometry, rng: np.random.Generator) -> shapely.Point:
    xmin, ymin, xmax, ymax = geom.bounds
    prepared = shapely.prepared.prep(geom)
    for _ in range(500):
        point = shapely.Point(rng.uniform(xmin, xmax), rng.uniform(ymin, ymax))
        if prepared.contains(point):
            return point
    return geom.representative_point()


def practice_notes(
    gebieden: gpd.GeoDataFrame,
    seed: int = 2026,
    n: int = 60,
    *,
    include_injection: bool = False,
    focus: str | None = None,
) -> gpd.GeoDataFrame:
    """Fictional map notes in a gemeente's real buurten (practice data).

    The same ``gebieden`` and ``seed`` always give the same notes. Buurten differ: some
    get more problems, some more opportunities, and a few buurten get more notes than
    others (as at a real evening, where not every buurt is heard equally).

    Parameters
    ----------
    gebieden : geopandas.GeoDataFrame
        Buurten from :func:`wijklib.gebieden` (water-only buurten are skipped).
    seed : int, default 2026
    n : int, default 60
        Number of notes (about one in eight is an area instead of a point).
    include_injection : bool, default False
        Make the first note's text ``<img src=x onerror=alert(1)>``: text that would run
        as code if it were inserted as HTML (for tests of the escaping).
    focus : str, optional
        A buurtcode that gets extra notes.

    Returns
    -------
    geopandas.GeoDataFrame
        Notes with ``attrs["oefendata"] = True``; ``bron`` starts with "oefendata".
    """
    areas = _check_areas(gebieden).to_crs("EPSG:4326")
    if "water" in areas.columns:
        areas = areas[~areas["water"].fillna(False).astype(bool)]
    areas = areas[~areas.geometry.is_empty & areas.geometry.notna()]
    areas = areas.sort_values("code", ignore_index=True)
    if areas.empty:
        raise InvalidChoiceError("Er zijn geen buurten om oefennotities in te zetten.")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise InvalidChoiceError("n is het aantal notities: een heel getal van 0 of meer.")
    rng = np.random.default_rng(seed)
    weights = rng.gamma(0.6, 1.0, len(areas)) + 0.02
    if focus is not None:
        hits = (areas["code"] == focus).to_numpy()
        weights[hits] = weights.max() * 3
    weights = weights / weights.sum()
    # the balance between positive and negative notes differs per buurt
    tone = rng.beta(2, 2, len(areas))
    metric = areas.to_crs("EPSG:28992")
    keys = list(CATEGORIES)
    rows = []
    start = pd.Timestamp("2026-03-02")
    for _ in range(int(n)):
        j = int(rng.choice(len(areas), p=weights))
        positive = tone[j]
        p = np.array([0.22 * positive, 0.26 * (1 - positive), 0.22 * positive,
                      0.14 * (1 - positive), 0.16])
        categorie = keys[int(rng.choice(len(keys), p=p / p.sum()))]
        texts = _PRACTICE_TEXTS[categorie]
        tekst = texts[int(rng.integers(len(texts)))]
        point_rd = _random_point(metric.geometry.iloc[j], rng)
        if rng.random() < 0.12:
            radius = float(rng.uniform(25, 70))
            shape_rd = point_rd.buffer(radius, quad_segs=4).intersection(metric.geometry.iloc[j])
            if shape_rd.is_empty or shape_rd.geom_type not in ("Polygon", "MultiPolygon"):
                shape_rd = point_rd
        else:
            shape_rd = point_rd
        geom = gpd.GeoSeries([shape_rd], crs="EPSG:28992").to_crs("EPSG:4326").iloc[0]
        geom = shapely.set_precision(geom, 1e-6)
        if not geom.is_valid:
            geom = geom.representative_point()
        rows.append({
            "categorie": categorie,
            "tekst": tekst,
            "datum": start + pd.Timedelta(days=int(rng.integers(0, 14))),
            "bron": "oefendata: " + _PRACTICE_SOURCES[int(rng.integers(len(_PRACTICE_SOURCES)))],
            "geometry": geom,
        })
    if include_injection and rows:
        rows[0]["tekst"] = INJECTION
    return _frame(rows, {"oefendata": True,
                         "bron": "Verzonnen oefendata van wijklib (niet echt).",
                         "seed": seed})
