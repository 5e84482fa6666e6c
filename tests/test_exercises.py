"""Participant notebooks are made from the solution notebooks, and stay in step."""

from __future__ import annotations

import json
from pathlib import Path

from tools import build_exercises as exercises

ROOT = Path(__file__).resolve().parents[1]


def test_stub_lines():
    assert exercises.stub_line('antwoord = df["x"].sum()  # oplossing') == (
        "antwoord = ...  # vul hier je antwoord in"
    )
    assert exercises.stub_line("    gewichten['a'] = 2  # oplossing") == (
        "    gewichten['a'] = ...  # vul hier je antwoord in"
    )
    assert exercises.stub_line("print(antwoord)  # oplossing") is None
    assert exercises.stub_line("x == 3  # oplossing") is None  # a comparison, not an answer
    assert exercises.stub_line("keep = 1") == "keep = 1"


def test_participant_version_strips_answers_and_outputs():
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"tags": ["oplossing"]},
                "execution_count": 3,
                "outputs": [{"output_type": "stream", "text": "42"}],
                "source": "# Opdracht\nantwoord = 42  # oplossing\nprint(antwoord)  # oplossing",
            },
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": 4,
                "outputs": [],
                "source": "x = 1  # oplossing",
            },
            {"cell_type": "markdown", "metadata": {}, "source": "Tekst"},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    out = exercises.participant_version(nb)
    first = out["cells"][0]
    assert first["source"] == "# Opdracht\nantwoord = ...  # vul hier je antwoord in"
    assert first["outputs"] == [] and first["execution_count"] is None
    assert first["metadata"]["tags"] == ["opdracht"]
    assert out["cells"][1]["source"] == "x = 1  # oplossing"  # untagged cells stay as they are
    assert nb["cells"][0]["outputs"]  # the source notebook is not changed


def test_committed_participant_notebooks_are_in_step():
    for source in sorted((ROOT / "notebooks" / "oplossingen").glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(source.read_text("utf-8"))
        committed = (ROOT / "notebooks" / source.name).read_text("utf-8")
        assert committed == exercises.dumps(exercises.participant_version(nb)), (
            f"{source.name}: run `python tools/build_exercises.py` to rebuild "
            "the participant version"
        )
