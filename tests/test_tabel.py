"""Tables as a person reads them: the pandas habits a participant should never see."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wijklib.notebook.tabel import cell_text, column_label, show_table

LONG = ("Mijn buurvrouw brengt elke week soep naar de man op drie hoog, en sinds de "
        "lift kapot is doet ze ook zijn boodschappen. Zo gaat dat hier.")


def test_numbers_booleans_and_missing_values_read_dutch():
    assert cell_text(11.971831) == "12"
    assert cell_text(4.25) == "4,3"
    assert cell_text(12345.6) == "12.346"
    assert cell_text(0.0123) == "0,012"
    assert cell_text(True) == "ja" and cell_text(np.False_) == "nee"
    for missing in (None, np.nan, pd.NA, pd.NaT, "", "  "):
        assert cell_text(missing) == "geen gegevens"
    assert cell_text(0) == "0"  # a real zero stays a zero
    assert cell_text(["wonen", "sociaal"]) == "wonen, sociaal"
    assert cell_text(12.5, decimals=0) == "13"


def test_headings_in_words():
    assert column_label("beleving_onder") == "beleving onder"
    assert column_label("n", {"n": "deelnemers"}) == "deelnemers"
    assert column_label("pct_65_plus") not in ("pct_65_plus", "pct 65 plus")  # catalogue


def test_a_table_without_programmers_habits():
    frame = pd.DataFrame({"thema": ["wonen", "veiligheid"], "cijfers": [11.971831, np.nan],
                          "vlag": [True, False], "jaar": [2026, 2024],
                          "verhaal": [LONG, "Kort."]})
    table = show_table(frame, labels={"cijfers": "cijfers (index)"})
    html = table._repr_html_()
    text = repr(table)
    for shown in (html, text):
        assert "11.97" not in shown and "11,97" not in shown and "12" in shown
        assert "True" not in shown and "False" not in shown and "NaN" not in shown
        assert "ja" in shown and "nee" in shown and "geen gegevens" in shown
        assert "2026" in shown and "2.026" not in shown
        assert LONG in shown  # a story in full, never cut
    assert "cijfers (index)" in html and "<table" in html
    assert table.to_frame().shape == (2, 5)


def test_a_series_is_two_columns_not_a_dtype_dump():
    rij = pd.Series({"buurtnaam": "Tigrisdreef", "score": 41.27, "verschil": -3.5,
                     "binnen_marge": True}, name="BU03440312")
    text = repr(show_table(rij))
    assert "dtype" not in text and "object" not in text
    assert "Tigrisdreef" in text and "41,3" in text and "-3,5" in text and "ja" in text
    assert "binnen marge" in text


def test_resident_text_is_escaped():
    html = show_table(pd.DataFrame({"verhaal": ["<script>x</script> {{ 7*7 }}"]}))._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_named_index_is_shown_range_index_is_not():
    by_name = pd.DataFrame({"aantal": [3, 4]}, index=pd.Index(["Noord", "Zuid"], name="buurt"))
    assert show_table(by_name).headings == ("buurt", "aantal")
    assert show_table(by_name.reset_index(drop=True)).headings == ("aantal",)


def test_a_column_of_numbers_is_rounded_evenly():
    frame = pd.DataFrame({"score": [1.881381, 0.905817, 12.5], "klein": [0.384871, 0.0371, 0.5],
                          "groot": [374200.0, 193255.4, 99.5], "aantal": [4, 5, 6]})
    rows = show_table(frame).rows
    assert [r[0] for r in rows] == ["1,9", "0,9", "12,5"]
    assert [r[1] for r in rows] == ["0,38", "0,04", "0,50"]
    assert [r[2] for r in rows] == ["374.200", "193.255", "100"]
    assert [r[3] for r in rows] == ["4", "5", "6"]


def test_names_keeps_the_column_names_an_exercise_uses():
    frame = pd.DataFrame({"verhaal_nr": [0, 1], "verhaal": [LONG, "Kort."]})
    assert show_table(frame, names=True).headings == ("verhaal_nr", "verhaal")
    assert show_table(frame).headings == ("verhaal nr", "verhaal")
    rij = pd.Series({"verschil": 45.102273, "marge": 13.1}, name="BU1")
    assert [r[0] for r in show_table(rij, names=True).rows] == ["verschil", "marge"]


def test_an_empty_table_says_so():
    empty = pd.DataFrame(columns=["rij", "kolom", "probleem"])
    text = repr(show_table(empty))
    assert "Empty DataFrame" not in text and "er zijn geen rijen" in text
