"""Stories and quotes from conversations, a verhalenavond or interviews.

A stories table has fixed Dutch columns (:data:`STORY_COLUMNS`) and never the name of the
person who told the story. Type stories with :func:`add_story` or read them from a file
with :func:`read_stories`; code them with :mod:`wijklib.vertellen.themas`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from wijklib.vertellen.records import (
    ALIASES,
    ReadResult,
    RecordSpec,
    append_row,
    check_buurtcode,
    check_choice,
    check_text,
    empty_table,
    read_records,
)

__all__ = ["SOURCE_TYPES", "STORY_COLUMNS", "add_story", "new_stories", "read_stories"]

#: Columns of a stories table.
STORY_COLUMNS = ["buurtcode", "verhaal", "bron_type"]
#: Allowed values of ``bron_type``.
SOURCE_TYPES = ("gesprek", "verhalenavond", "interview", "wijkschouw", "enquête", "anders")


def new_stories() -> pd.DataFrame:
    """An empty stories table (:data:`STORY_COLUMNS`)."""
    return empty_table(STORY_COLUMNS)


def add_story(
    stories: pd.DataFrame, buurtcode: str | None, verhaal: str, bron_type: str
) -> pd.DataFrame:
    """Return the stories table with one story or quote added.

    Parameters
    ----------
    stories : pandas.DataFrame
        Start with :func:`new_stories`.
    buurtcode : str or None
        The buurt the story is about (None when it is about the whole area).
    verhaal : str
        The story or quote, without names of people.
    bron_type : str
        One of :data:`SOURCE_TYPES` (gesprek, verhalenavond, interview, …); never a person.

    Raises
    ------
    InvalidChoiceError, PersonalDataError
    """
    row = {
        "buurtcode": check_buurtcode(buurtcode),
        "verhaal": check_text(verhaal, "het verhaal", 2000),
        "bron_type": check_choice(bron_type, SOURCE_TYPES, ALIASES["bron_type"],
                                   "soort bron"),
    }
    return append_row(stories, row, STORY_COLUMNS)


_STORY_SPEC = RecordSpec(
    "verhalen",
    tuple(STORY_COLUMNS),
    {
        "buurtcode": ("buurtcode", "buurt", "buurt code", "code", "buurtnaam", "wijk/buurt"),
        "verhaal": ("verhaal", "verhalen", "citaat", "quote", "tekst", "text", "uitspraak",
                    "opmerking", "verhaal of citaat"),
        "bron_type": ("bron_type", "bron type", "brontype", "bron", "soort bron", "type bron",
                      "herkomst"),
    },
    "verhaal",
    {"bron_type": (SOURCE_TYPES, "bron_type")},
    {"verhaal": 2000},
)


def read_stories(
    path: Path | str, gebieden: pd.DataFrame | None = None, sheet: str | int | None = None
) -> ReadResult:
    """Read stories from a CSV or Excel file, with a report by row and column.

    The file needs a column ``verhaal`` (also recognised: citaat, quote, tekst,
    uitspraak, opmerking) and may have ``buurtcode`` (or buurt, buurtnaam) and
    ``bron_type`` (or bron). Comma, semicolon and tab separated files in UTF-8 or
    Windows encoding (Excel's "CSV") all work.

    Nothing is dropped or changed silently: rows without a story are not used, unknown
    buurten and source types are left empty, columns that may hold personal data are
    dropped, personal data inside a story is replaced by ``[weggehaald]``, duplicates are
    kept and flagged; every one of these is a row in the report.

    Parameters
    ----------
    path : Path or str
        ``.csv``, ``.txt``, ``.tsv`` or ``.xlsx``.
    gebieden : DataFrame, optional
        :func:`wijklib.gebieden` of the gemeente: checks codes and turns buurtnamen into
        codes.
    sheet : str or int, optional
        Excel sheet (default: the first).

    Returns
    -------
    ReadResult
        ``stories, rapport = read_stories(...)``.

    Raises
    ------
    TableFileError
        The file is missing, empty, of another type, or has no story column.
    """
    return read_records(path, _STORY_SPEC, gebieden, sheet)
