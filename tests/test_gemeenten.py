"""Recognising gemeenten: pure functions over a small register."""

from __future__ import annotations

import pandas as pd
import pytest

from wijklib.data.gemeenten import normalise_name, parse_code, resolve
from wijklib.errors import UnknownGemeenteError

REGISTER = pd.DataFrame(
    {
        "code": ["GM0344", "GM0796", "GM0518", "GM0373", "GM0893", "GM1900", "GM0479"],
        "naam": [
            "Utrecht",
            "'s-Hertogenbosch",
            "'s-Gravenhage",
            "Bergen (NH.)",
            "Bergen (L.)",
            "Súdwest-Fryslân",
            "Zaanstad",
        ],
    }
)


@pytest.mark.parametrize(
    "given, expected",
    [("GM0344", "GM0344"), ("gm344", "GM0344"), ("0344", "GM0344"), (344, "GM0344"),
     ("7", "GM0007"), ("Utrecht", None), (True, None), (123456, None), ("GM12345", None)],
)
def test_parse_code(given, expected):
    assert parse_code(given) == expected


def test_normalise_name():
    assert normalise_name("'s-Hertogenbosch") == "s hertogenbosch"
    assert normalise_name("Súdwest-Fryslân") == "sudwest fryslan"
    assert normalise_name("Bergen (NH.)") == "bergen nh"


@pytest.mark.parametrize(
    "given, code",
    [("utrecht", "GM0344"), ("Den Bosch", "GM0796"), ("den haag", "GM0518"),
     ("sudwest fryslan", "GM1900"), ("bergen (l.)", "GM0893"), ("GM0479", "GM0479")],
)
def test_resolve(given, code):
    assert resolve(given, REGISTER)[0] == code


def test_unknown_and_ambiguous():
    with pytest.raises(UnknownGemeenteError) as err:
        resolve("Zaanstaad", REGISTER)
    assert err.value.suggestions == ["Zaanstad"]
    with pytest.raises(UnknownGemeenteError) as err:
        resolve("Bergen", REGISTER)
    assert "Kies er een" in str(err.value)
    with pytest.raises(UnknownGemeenteError) as err:
        resolve("GM0001", REGISTER)
    assert err.value.suggestions == []
    with pytest.raises(UnknownGemeenteError):
        resolve("   ", REGISTER)
