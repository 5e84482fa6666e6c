"""Threats and opportunities side by side: what residents put on the map, in two columns.

Session 2 asks to see the threats *and* the opportunities of a buurt, also where the
statistics call it an achterstandsbuurt. :func:`side_by_side` puts the map notes of one
buurt (or of all) in two columns for the conversation: bedreigingen (knelpunten and
onveilige plekken) next to kansen (kansen, favoriete plekken and ideeën), optionally with
the krachten of the buurt as kansen. The same text written more than once is shown once,
with how often it was written; nothing is summarised or cut.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["KANSEN", "BEDREIGINGEN", "side_by_side"]

#: Map note categories that are threats (left column).
BEDREIGINGEN = ("knelpunt", "onveilige plek")
#: Map note categories that are opportunities (right column).
KANSEN = ("kans", "favoriete plek", "idee")
LEFT = "Bedreigingen (knelpunten, onveilige plekken)"
RIGHT = "Kansen (kansen, fijne plekken, ideeën, krachten)"


def _entries(texts: pd.Series, labels: pd.Series) -> list[str]:
    """ "text (label)", most written first, "(label, 3 keer)" when written more than once."""
    frame = pd.DataFrame({"tekst": texts.astype("string").str.strip(),
                          "label": labels.astype("string")}).dropna()
    frame = frame[frame["tekst"] != ""]
    counted = frame.value_counts(["tekst", "label"], sort=False).reset_index(name="keer")
    counted = counted.sort_values(["keer", "tekst"], ascending=[False, True], kind="stable")
    return [f"{r.tekst} ({r.label}{f', {r.keer} keer' if r.keer > 1 else ''})"
            for r in counted.itertuples()]


def side_by_side(
    notes: pd.DataFrame,
    buurtcode: str | None = None,
    krachten: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Bedreigingen and kansen of a buurt in two columns, to talk about them together.

    Parameters
    ----------
    notes : pandas.DataFrame
        Map notes with ``categorie`` and ``tekst`` (and ``buurtcode`` when a buurt is
        chosen), as notebook 2 has them.
    buurtcode : str, optional
        Only this buurt; default all notes given.
    krachten : pandas.DataFrame, optional
        The asset inventory (``naam_of_omschrijving``, ``soort``, ``buurtcode``): added to
        the kansen as "kracht: soort".

    Returns
    -------
    pandas.DataFrame
        Two columns (:data:`LEFT`, :data:`RIGHT`), one entry per row, the shorter column
        padded with empty text (never ``NaN``). ``attrs["aantallen"]`` holds how many notes
        went into each column.
    """
    chosen = notes
    if buurtcode is not None and "buurtcode" in notes.columns:
        chosen = notes[notes["buurtcode"] == buurtcode]
    category = chosen["categorie"].astype("string")
    left = _entries(chosen.loc[category.isin(BEDREIGINGEN).fillna(False), "tekst"],
                    category[category.isin(BEDREIGINGEN).fillna(False)])
    is_chance = category.isin(KANSEN).fillna(False)
    right = _entries(chosen.loc[is_chance, "tekst"], category[is_chance])
    counts = {LEFT: int(category.isin(BEDREIGINGEN).fillna(False).sum()),
              RIGHT: int(is_chance.sum())}
    if krachten is not None and len(krachten):
        assets = krachten
        if buurtcode is not None and "buurtcode" in assets.columns:
            assets = assets[assets["buurtcode"] == buurtcode]
        right += _entries(assets["naam_of_omschrijving"],
                          "kracht: " + assets["soort"].astype("string"))
        counts[RIGHT] += len(assets)
    rows = max(len(left), len(right))
    table = pd.DataFrame({LEFT: left + [""] * (rows - len(left)),
                          RIGHT: right + [""] * (rows - len(right))})
    table.attrs["aantallen"] = counts
    return table
