"""Every figure carries its year and source: the one place that knows where a figure is from.

Why columns and not only ``DataFrame.attrs``
--------------------------------------------
pandas drops ``attrs`` in ``merge`` and in ``concat`` of frames with different attrs, and a
participant's ``groupby`` or column selection keeps nothing of them. So
:func:`wijklib.kerncijfers` also writes the provenance *into the rows*: the columns
``jaar`` (year of the CBS table), ``tabel`` (its id) and ``bron`` (the source in words).
Columns survive filtering, copying, ``merge`` (as ``jaar_x`` / ``jaar_y`` next to
``inwoners_x`` / ``inwoners_y``), ``concat`` (each row keeps its own year) and a
``groupby`` that keeps them as keys. A figure from another table than the rest of its row
(an older year, or a figure added with :func:`wijklib.agenda.ringen.add_indicator`) gets
its own column ``jaar_<naam>``, with ``tabel_<naam>`` when it comes from another table
and ``bron_<naam>`` when its source differs.

:func:`indicators` reads the provenance of every figure of a frame: from these columns
first, from ``attrs`` when the columns are gone. When neither knows, :func:`require`
refuses with a Dutch :class:`ProvenanceError` that says what to do, instead of showing a
figure as "jaar onbekend".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from wijklib.errors import WijklibError

__all__ = [
    "PROVENANCE_COLUMNS",
    "SOURCE",
    "TABLE",
    "YEAR",
    "ProvenanceError",
    "entry",
    "indicators",
    "require",
    "row_years",
    "stamp",
    "stamp_column",
    "years_text",
]

#: Column with the year of a row's figures.
YEAR = "jaar"
#: Column with the id of the CBS table.
TABLE = "tabel"
#: Column with the source in words.
SOURCE = "bron"
PROVENANCE_COLUMNS = (YEAR, TABLE, SOURCE)
_FIRST_YEAR, _LAST_YEAR = 1900, 2100


class ProvenanceError(WijklibError, ValueError):
    """The year or source of a figure is not known (Dutch message with what to do)."""


def _own(kind: str, column: str) -> str:
    return f"{kind}_{column}"


def stamp(frame: pd.DataFrame, info: Mapping[str, Mapping[str, Any]], *, year: int,
          table: str, source: str) -> pd.DataFrame:
    """Write provenance into the rows: ``jaar``, ``tabel``, ``bron`` and per-figure columns.

    Parameters
    ----------
    frame : DataFrame
        Figures, one row per area.
    info : dict
        Figure (column) -> ``{"year": …, "table_id": …, "source": …}``.
    year, table, source
        Year, table id and source of the frame as a whole.

    Returns
    -------
    DataFrame
        The same frame (changed in place and returned). Columns whose year differs from
        the frame's get ``jaar_<naam>``, ``tabel_<naam>`` when the table differs and
        ``bron_<naam>`` when the source differs.
    """
    frame[YEAR] = pd.array([int(year)] * len(frame), dtype="Int64")
    frame[TABLE] = str(table)
    frame[SOURCE] = str(source)
    for column, meta in info.items():
        if column not in frame.columns:
            continue
        own_year = meta.get("year")
        own_table = str(meta.get("table_id") or "")
        own_source = meta.get("source") or source
        if own_year is None or int(own_year) != int(year) or own_source != source:
            frame[_own(YEAR, column)] = pd.array(
                [None if own_year is None else int(own_year)] * len(frame), dtype="Int64")
            if own_table and own_table != table:
                frame[_own(TABLE, column)] = own_table
            if own_source != source:
                frame[_own(SOURCE, column)] = str(own_source)
    return frame


def stamp_column(frame: pd.DataFrame, column: str, *, year: int | None,
                 source: str) -> pd.DataFrame:
    """Give one added figure its own provenance: ``jaar_<naam>`` and ``bron_<naam>``.

    Parameters
    ----------
    frame : DataFrame
        A table that has ``column``.
    column : str
        The figure.
    year : int or None
        Its year (None: not known; then :func:`require` refuses to show it as current).
    source : str
        Its source in words.

    Returns
    -------
    DataFrame
        The same frame (changed in place and returned); ``attrs["indicators"]`` also
        gets the entry, for readers that still look there.
    """
    frame[_own(YEAR, column)] = pd.array(
        [None if year is None else int(year)] * len(frame), dtype="Int64")
    frame[_own(SOURCE, column)] = str(source)
    known = dict(frame.attrs.get("indicators") or {})
    known[column] = {"year": year, "source": str(source)}
    frame.attrs = {**frame.attrs, "indicators": known}
    return frame


def _values(frame: pd.DataFrame, column: str) -> list[Any]:
    values = frame[column].dropna().unique().tolist()
    return sorted(values, key=str)


def _years(frame: pd.DataFrame, column: str) -> list[int]:
    found = []
    for value in _values(frame, column):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = float("nan")
        if not number.is_integer() or not _FIRST_YEAR <= number <= _LAST_YEAR:
            raise ProvenanceError(
                f"In de kolom '{column}' staat {value!r}: dat is geen jaartal. Misschien "
                "is de kolom opgeteld of gemiddeld (bijvoorbeeld met groupby(...).sum()). "
                f"Groepeer dan ook op '{column}', of kies alleen de kolommen die je optelt."
            )
        found.append(int(number))
    return sorted(set(found))


def _provenance_columns(frame: pd.DataFrame, column: str) -> tuple[str, str, str] | None:
    """The year/table/source columns that hold the provenance of ``column``."""
    own = _own(YEAR, column)
    if own in frame.columns:
        return own, _own(TABLE, column), _own(SOURCE, column)
    # after a merge: inwoners_x goes with jaar_x, inwoners_y with jaar_y
    for suffix in sorted({c[len(YEAR):] for c in frame.columns
                          if isinstance(c, str) and c.startswith(YEAR + "_")},
                         key=len, reverse=True):
        if suffix and column.endswith(suffix) and column != YEAR + suffix:
            base = column[: -len(suffix)]
            own = _own(YEAR, base) + suffix
            if own in frame.columns:
                return own, _own(TABLE, base) + suffix, _own(SOURCE, base) + suffix
            if YEAR + suffix in frame.columns and _own(YEAR, base) not in frame.columns:
                return YEAR + suffix, TABLE + suffix, SOURCE + suffix
    if YEAR in frame.columns:
        return YEAR, TABLE, SOURCE
    return None


def indicators(frame: Any) -> dict[str, dict[str, Any]]:
    """Year, table and source of every figure in a frame.

    Parameters
    ----------
    frame : DataFrame
        Figures from :func:`wijklib.kerncijfers`, also after ``merge``, ``concat``,
        filtering, copying or a ``groupby`` that keeps ``jaar``, ``tabel`` and ``bron``.

    Returns
    -------
    dict
        Column -> ``{"year": int or None, "years": [int, …], "table_id": str,
        "source": str, "available": bool}`` (plus ``modified`` when ``attrs`` still has
        it). ``year`` is None when the rows come from several years (``years`` lists
        them). Columns without any known provenance are left out.
    """
    if not isinstance(frame, pd.DataFrame):
        return {}
    from_attrs = _from_attrs(frame)
    figures = _figure_names()
    out: dict[str, dict[str, Any]] = {}
    for column in frame.columns:
        found = _entry(frame, column, from_attrs, figures)
        if found is not None:
            out[column] = found
    for column, old in from_attrs.items():
        if column not in out and isinstance(old, Mapping):
            year = old.get("year")
            out[column] = {**old, "years": [] if year is None else [int(year)]}
    return out


def entry(frame: Any, column: str) -> dict[str, Any] | None:
    """Year, table and source of one figure (one entry of :func:`indicators`), or None.

    Looks at that column only, so it is cheap, and a damaged year column of another
    figure does not stop it.
    """
    if not isinstance(frame, pd.DataFrame):
        return None
    from_attrs = _from_attrs(frame)
    found = (_entry(frame, column, from_attrs, _figure_names())
             if column in frame.columns else None)
    if found is None and isinstance(from_attrs.get(column), Mapping):
        old = from_attrs[column]
        year = old.get("year")
        found = {**old, "years": [] if year is None else [int(year)]}
    return found


def _from_attrs(frame: pd.DataFrame) -> dict[str, Any]:
    attrs = frame.attrs.get("indicators") if isinstance(frame.attrs, Mapping) else None
    return dict(attrs) if isinstance(attrs, Mapping) else {}


def _entry(frame: pd.DataFrame, column: Any, from_attrs: Mapping[str, Any],
           figures: frozenset[str]) -> dict[str, Any] | None:
    """The provenance of one column from the provenance columns (and attrs for details)."""
    if not isinstance(column, str) or column in PROVENANCE_COLUMNS or column.startswith(
            tuple(f"{k}_" for k in PROVENANCE_COLUMNS)):
        return None
    found = _provenance_columns(frame, column)
    if found is None or (found[0] == YEAR and column not in from_attrs
                         and column not in figures):
        return None
    year_col, table_col, source_col = found
    years = _years(frame, year_col)
    tables = _values(frame, table_col) if table_col in frame.columns else []
    sources = _values(frame, source_col) if source_col in frame.columns else []
    if not sources and source_col != SOURCE and SOURCE in frame.columns:
        sources = _values(frame, SOURCE)
    result: dict[str, Any] = {
        "year": years[0] if len(years) == 1 else None,
        "years": years,
        "table_id": ", ".join(str(t) for t in tables if str(t)),
        "source": "; ".join(str(s) for s in sources),
        "available": bool(pd.to_numeric(frame[column], errors="coerce").notna().any()),
    }
    old = from_attrs.get(column)
    if isinstance(old, Mapping) and old.get("year") in (result["year"], None):
        # attrs still know the details (the table of an older year, its date)
        result = {**old, **{k: v for k, v in result.items() if v or k == "available"}}
    return result


def _figure_names() -> frozenset[str]:
    """The CBS figures of the catalogue (not names, codes or a participant's own columns)."""
    from wijklib.data import catalog

    return frozenset(indicator.naam for indicator in catalog.catalogue())


def row_years(frame: pd.DataFrame, column: str) -> pd.Series:
    """The year of ``column`` in every row (``<NA>`` where it is not known).

    Rows of a ``concat`` of two years each keep their own year; without provenance
    columns the year from ``attrs`` is used for every row.
    """
    found = _provenance_columns(frame, column)
    if found is not None:
        _years(frame, found[0])  # refuses a summed or averaged year column
        return pd.Series(pd.array(frame[found[0]], dtype="Int64"), index=frame.index)
    year = (entry(frame, column) or {}).get("year")
    return pd.Series(pd.array([year] * len(frame), dtype="Int64"), index=frame.index)


def require(frame: Any, column: str) -> dict[str, Any]:
    """The provenance of one figure, or a Dutch error that says how to keep it.

    Returns
    -------
    dict
        As one entry of :func:`indicators`.

    Raises
    ------
    ProvenanceError
        When no year is known for ``column``.
    """
    found = entry(frame, column)
    if found is None or not found.get("years"):
        raise ProvenanceError(
            f"Ik weet niet uit welk jaar de cijfers in '{column}' komen, dus laat ik ze "
            "niet zien als actueel cijfer. Houd de kolommen 'jaar', 'tabel' en 'bron' van "
            "wijklib.kerncijfers bij je cijfers: kies ze mee als je kolommen kiest, en "
            "groepeer er ook op als je groupby gebruikt. Een eigen cijfer voeg je toe met "
            "wijklib.agenda.ringen.add_indicator(..., jaar=..., bron=...)."
        )
    return found


def years_text(info: Mapping[str, Any]) -> str:
    """The year(s) of one entry of :func:`indicators` in words: ``"2024"``, ``"2023 en 2024"``."""
    years = [int(y) for y in info.get("years") or ([info["year"]] if info.get("year")
                                                    is not None else [])]
    if not years:
        raise ProvenanceError("Het jaar van dit cijfer is niet bekend.")
    if len(years) == 1:
        return str(years[0])
    return ", ".join(str(y) for y in years[:-1]) + f" en {years[-1]}"
