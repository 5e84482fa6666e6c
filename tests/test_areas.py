"""Finding an area by the name people type."""

from __future__ import annotations

import pandas as pd
import pytest

from wijklib.data.areas import UnknownAreaError, find_area, in_wijk

AREAS = pd.DataFrame(
    {
        "code": ["BU03440311", "BU03440312", "BU03440411"],
        "naam": [
            "Taag- en Rubicondreef en omgeving",
            "Wolga- en Donaudreef en omgeving",
            "Vogelenbuurt",
        ],
        "wijkcode": ["WK034403", "WK034403", "WK034404"],
    }
)


@pytest.mark.parametrize(
    "given", ["BU03440311", "bu03440311", "Taag- en Rubicondreef en omgeving", "taag"]
)
def test_found(given):
    assert find_area(AREAS, given)["code"] == "BU03440311"


def test_ambiguous_part_lists_matches():
    with pytest.raises(UnknownAreaError, match="past bij meer gebieden"):
        find_area(AREAS, "dreef")


def test_unknown_suggests():
    with pytest.raises(UnknownAreaError, match="Vogelenbuurt"):
        find_area(AREAS, "Vogelbuurt")
    with pytest.raises(UnknownAreaError, match="leeg"):
        find_area(AREAS.iloc[0:0], "x")


def test_in_wijk():
    assert list(in_wijk(AREAS, "WK034403")["code"]) == ["BU03440311", "BU03440312"]
    assert in_wijk(AREAS, pd.Series({"code": "WK034404"}))["naam"].tolist() == ["Vogelenbuurt"]
