"""Tables as a person reads them: Dutch numbers, Dutch headings, no True/False or NaN.

pandas shows a table for programmers: ``11.971831``, ``True``, ``NaN``, headings such as
``pct_65_plus``, a Series as a list that ends with ``dtype: object``, and long texts cut
after about fifty characters. :func:`show_table` shows the same data for people:

* numbers the Dutch way (decimal comma, a dot between thousands), rounded sensibly and
  evenly within a column (:func:`wijklib.tellen.compare.format_number`);
* ``ja``/``nee`` for True/False;
* an empty or missing value as "geen gegevens" (never 0);
* headings in words: the catalogue's label for a CBS figure, else the column name with
  spaces (``beleving_onder`` → "beleving onder"), or your own labels;
* a Series as a two-column table (what, value);
* every text in full (a story is never cut).

The table is filled into the workbook's small table template (``tabel.html.j2``, through
:func:`wijklib.guarantees.rendering.render`), so every text is escaped.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MISSING", "Table", "cell_text", "column_label", "show_table"]

#: What an empty or missing value shows.
MISSING = "geen gegevens"


def cell_text(value: Any, decimals: int | None = None, missing: str = MISSING) -> str:
    """One value as a person reads it.

    Parameters
    ----------
    value : Any
        A number, bool, text, list, date or missing value.
    decimals : int, optional
        Decimals of a number (None: :func:`~wijklib.tellen.compare.format_number` chooses).
    missing : str
        Text for a missing value (``None``, ``NaN``, ``pd.NA``, ``NaT``, empty text).

    Returns
    -------
    str
        ``"1.234,5"``, ``"ja"``, ``"nee"``, ``"geen gegevens"``, ``"wonen, sociaal"``, …

    Examples
    --------
    >>> cell_text(11.971831)
    '12'
    >>> cell_text(True), cell_text(float("nan"))
    ('ja', 'geen gegevens')
    """
    from wijklib.tellen.compare import format_number

    if value is None or value is pd.NA or value is pd.NaT:
        return missing
    if isinstance(value, bool | np.bool_):
        return "ja" if value else "nee"
    if isinstance(value, numbers.Number):
        try:
            if math.isnan(float(value)):
                return missing
        except (TypeError, ValueError):
            return str(value)
        return format_number(value, decimals)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d-%m-%Y") if (value.hour, value.minute) == (0, 0) else \
            value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, list | tuple | set | frozenset):
        items = [cell_text(v, decimals, missing="") for v in value]
        text = ", ".join(i for i in items if i)
        return text or missing
    text = str(value)
    return text if text.strip() else missing


def column_label(name: Any, labels: Mapping[str, str] | None = None) -> str:
    """A heading in words: your label, the catalogue's label, or the name with spaces."""
    key = str(name)
    if labels and key in labels:
        return str(labels[key])
    from wijklib.data import catalog
    from wijklib.errors import WijklibError

    try:
        return catalog.get(key).label
    except (KeyError, WijklibError):
        return key.replace("_", " ")


#: Parts of a column name whose whole numbers are labels, not amounts: a year is "2026",
#: not "2.026"; a story number is "12", not rounded.
_LABEL_PARTS = ("jaar", "nr", "nummer", "code", "rang", "id")


def _is_label_column(name: Any) -> bool:
    words = str(name).casefold().replace("-", "_").split("_")
    return any(w in _LABEL_PARTS or w.endswith("jaar") for w in words)


def _plain(value: Any) -> str:
    """A year, number or code as written; a missing one as "geen gegevens"."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
        return str(int(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return cell_text(value)


def _column_decimals(values: pd.Series) -> int | None:
    """One number of decimals for a whole column of numbers, so that it reads evenly.

    Whole numbers and values of 100 or more: none; from 1: one; below 1: two. None for
    a column that is not numeric (each value chooses).
    """
    if values.dtype == bool or not pd.api.types.is_numeric_dtype(values.dtype):
        return None
    numbers_ = pd.to_numeric(values, errors="coerce").astype("float64")
    numbers_ = numbers_[np.isfinite(numbers_)]
    if numbers_.empty or bool((numbers_ == numbers_.round()).all()):
        return 0
    size = float(numbers_.abs().max())
    return 0 if size >= 100 else 1 if size >= 1 else 2


@dataclass(frozen=True)
class Table:
    """A table ready to be shown: headings and cells as text.

    Attributes
    ----------
    headings : tuple of str
    rows : tuple of tuple of str
    caption : str
    note : str
    """

    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    note: str = ""

    def to_frame(self) -> pd.DataFrame:
        """The table as a DataFrame of texts (for saving or further work)."""
        return pd.DataFrame(list(self.rows), columns=list(self.headings))

    def _repr_html_(self) -> str:
        from wijklib.guarantees.rendering import render

        return render("tabel.html.j2", klasse="wijklib-table", titel=self.caption,
                      kop=list(self.headings), rijen=[list(r) for r in self.rows],
                      noot=self.note)

    def __repr__(self) -> str:
        widths = [max([len(h), *(len(r[i]) for r in self.rows)])
                  for i, h in enumerate(self.headings)]
        lines = [self.caption] if self.caption else []
        lines.append("  ".join(h.ljust(w) for h, w in zip(self.headings, widths, strict=True)))
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True))
                  for r in self.rows]
        if self.note:
            lines.append(self.note)
        return "\n".join(line.rstrip() for line in lines)


def show_table(
    data: pd.DataFrame | pd.Series | Mapping[str, Any],
    columns: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    decimals: int | Mapping[str, int] | None = None,
    caption: str = "",
    note: str = "",
    index: bool | None = None,
    missing: str = MISSING,
    names: bool = False,
) -> Table:
    """Show a table (or a Series, or a dict) as a person reads it.

    Parameters
    ----------
    data : DataFrame, Series or dict
        What to show. A Series or dict becomes two columns: what, and its value.
    columns : list of str, optional
        Only these columns, in this order.
    labels : dict, optional
        Own headings, ``{"n": "deelnemers"}``; others come from the catalogue, or the
        column name with spaces.
    decimals : int or dict, optional
        Decimals for all numbers, or per column; default: sensible rounding.
    caption, note : str
        A title above and a note below the table.
    index : bool, optional
        Show the index as the first column. Default: only when it holds names (not
        0, 1, 2 …).
    missing : str
        Text for an empty value.
    names : bool, default False
        Keep the column names as headings (``verhaal_nr``, ``verschil``): for a table whose
        columns an exercise asks to use in code. Own ``labels`` still count.

    Returns
    -------
    Table
        Shown as an HTML table in a notebook, as aligned text elsewhere.
    """
    if isinstance(data, Mapping) and not isinstance(data, pd.DataFrame):
        data = pd.Series(dict(data))
    if isinstance(data, pd.Series):
        frame = pd.DataFrame({"wat": [str(i) if names else column_label(i, labels)
                                      for i in data.index],
                              "waarde": list(data.to_numpy())})
        labels = {"wat": "", "waarde": (labels or {}).get("waarde", "waarde")}
        index = False
    else:
        frame = data if columns is None else data[list(columns)]
    if index is None:
        index = not isinstance(frame.index, pd.RangeIndex)
    if index:
        frame = frame.reset_index()
    per_column = decimals if isinstance(decimals, Mapping) else {}
    headings = tuple(str((labels or {}).get(str(c), c)) if names else column_label(c, labels)
                     for c in frame.columns)
    default = None if isinstance(decimals, Mapping) else decimals
    plain = [_is_label_column(c) for c in frame.columns]
    chosen = [per_column.get(str(c), default) for c in frame.columns]
    chosen = [_column_decimals(frame.iloc[:, i]) if d is None else d
              for i, d in enumerate(chosen)]
    rows = tuple(
        tuple(_plain(v) if keep else cell_text(v, d, missing)
              for v, keep, d in zip(row, plain, chosen, strict=True))
        for row in frame.itertuples(index=False, name=None)
    )
    if not rows and not note:
        note = "Deze tabel is leeg: er zijn geen rijen."
    return Table(headings, rows, caption, note)
