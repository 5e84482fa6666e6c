"""Charts: the size of every difference is written out; missing is never a bar."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import wijklib  # noqa: E402
from wijklib.errors import InvalidChoiceError  # noqa: E402
from wijklib.tellen import charts, compare, index

FOCUS = "BU03440311"
INDICATORS = ["inwoners", "pct_65_plus", "woz_waarde", "bijstand_per_1000",
              "inkomen_per_inwoner"]


@pytest.fixture
def utrecht(warm):
    return wijklib.kerncijfers("Utrecht"), wijklib.kerncijfers("Utrecht", niveau="gemeente")


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


def _bars(fig) -> list[float]:
    return [p.get_width() for p in fig.axes[0].patches]


def test_comparison_chart_writes_sizes_and_marks_missing(utrecht):
    areas, gemeente = utrecht
    table = compare.compare(areas[areas["code"] == FOCUS], gemeente, INDICATORS)
    fig = charts.comparison_chart(table)
    texts = _texts(fig)
    bijstand = table.set_index("indicator").loc["bijstand_per_1000"]
    expected = compare.format_number(bijstand["verschil_pct_gemeente"], 0)
    assert any(t.startswith(f"+{expected} %: 47,7 tegen 28,3 (2023)") for t in texts)
    assert "geen cijfer (ontbreekt of geheim)" in texts  # income is not published: no bar
    assert "aantal: niet te vergelijken" in texts  # a count is not compared
    assert len(_bars(fig)) == 3  # pct_65_plus, woz_waarde, bijstand_per_1000
    colours = {matplotlib.colors.to_hex(p.get_facecolor()) for p in fig.axes[0].patches}
    assert charts.UNFAVOURABLE in colours  # more bijstand than the gemeente is unfavourable
    matplotlib.pyplot.close(fig)


def test_comparison_chart_all_missing_and_bad_input(utrecht):
    areas, gemeente = utrecht
    blank = areas.assign(woz_waarde=np.nan, bijstand_per_1000=np.nan)
    table = compare.compare(blank[blank["code"] == FOCUS], gemeente,
                            ["woz_waarde", "bijstand_per_1000"])
    fig = charts.comparison_chart(table)
    assert _bars(fig) == [] and _texts(fig).count("geen cijfer (ontbreekt of geheim)") == 2
    with pytest.raises(InvalidChoiceError, match="één gebied"):
        charts.comparison_chart(compare.compare(areas, gemeente, ["woz_waarde"]))
    with pytest.raises(InvalidChoiceError, match="Nederland"):
        charts.comparison_chart(table, reference="Nederland")


def test_sensitivity_chart_shows_rank_ranges(utrecht):
    areas, _ = utrecht
    weights = {"bijstand_per_1000": 1, "pct_huurwoningen": 1, "woz_waarde": 1}
    directions = {"woz_waarde": "gunstig", "pct_huurwoningen": "ongunstig"}
    sens = index.sensitivity(areas, weights, directions=directions, runs=50)
    fig = charts.sensitivity_chart(sens, top=5, focus=FOCUS)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    focus_rank = int(sens.set_index("code").loc[FOCUS, "rang"])
    assert len(labels) == (5 if focus_rank <= 5 else 6)
    assert "Taag- en Rubicondreef en omgeving" in labels
    first = sens.sort_values("rang").iloc[0]
    assert any(t.startswith("plek 1 ") for t in _texts(fig))
    assert "50 keer" in fig.axes[0].get_title()
    assert int(first["rang"]) == 1
    matplotlib.pyplot.close(fig)


def test_sensitivity_chart_empty_and_wrong_input():
    empty = pd.DataFrame(columns=["code", "naam", "rang", "rang_min", "rang_max"])
    fig = charts.sensitivity_chart(empty)
    assert "Geen gebieden met een score." in _texts(fig)
    with pytest.raises(InvalidChoiceError, match="sensitivity"):
        charts.sensitivity_chart(pd.DataFrame({"naam": ["x"]}))


def test_comparison_chart_judges_against_the_drawn_reference():
    area = pd.DataFrame({"code": ["BU1"], "naam": ["Buurt"], "bijstand_per_1000": [50.0]})
    gemeente = pd.DataFrame({"code": ["GM1"], "naam": ["Gemeente"], "bijstand_per_1000": [80.0]})
    land = pd.DataFrame({"code": ["NL00"], "naam": ["Nederland"], "bijstand_per_1000": [30.0]})
    table = compare.compare(area, {"gemeente": gemeente, "Nederland": land},
                            ["bijstand_per_1000"])
    colours = {}
    for reference in ("gemeente", "Nederland"):
        fig = charts.comparison_chart(table, reference=reference)
        (bar,) = fig.axes[0].patches
        colours[reference] = matplotlib.colors.to_hex(bar.get_facecolor())
        phrase = compare.reference_phrase(reference)
        assert fig.axes[0].get_xlabel().startswith(f"verschil met {phrase}")
        matplotlib.pyplot.close(fig)
    # less bijstand than the gemeente is favourable, more than Nederland is not
    assert colours == {"gemeente": charts.FAVOURABLE, "Nederland": charts.UNFAVOURABLE}
