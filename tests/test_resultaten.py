"""Results handed from notebook 1 and 2 to notebook 3: round trips, damage, zip."""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest

import wijklib
from wijklib.notebook import resultaten as res


@pytest.fixture(scope="module")
def practice_set(utrecht_cache, cbs_server, pdok_server):
    from conftest import point_wijklib_at

    with pytest.MonkeyPatch.context() as mp:
        point_wijklib_at(mp, cbs_server.url, pdok_server.url, utrecht_cache)
        buurten, gebieden = wijklib.kerncijfers("Utrecht"), wijklib.gebieden("Utrecht")
        return res.practice_vertellen(buurten, gebieden, seed=7, focus="WK034403")


def test_tellen_round_trip_and_damage(tmp_path):
    assert res.load_tellen(tmp_path) is None
    path = res.save_tellen("Utrecht", "buurt", "BU03440311", ["woz_waarde"],
                           ["Wat is sterk?"], folder=tmp_path)
    got = res.load_tellen(tmp_path)
    assert (got["gemeente"], got["focus"], got["vragen"]) == ("Utrecht", "BU03440311",
                                                               ["Wat is sterk?"])
    path.write_text('{"gemeente": "Utrecht", ', "utf-8")
    with pytest.raises(res.ResultsFileError, match="beschadigd.*notebook 1 opnieuw"):
        res.load_tellen(tmp_path)
    path.write_text('{"gemeente": "Utrecht"}', "utf-8")
    with pytest.raises(res.ResultsFileError, match="ontbreken"):
        res.load_tellen(tmp_path)


def test_practice_set_is_labelled_and_reproducible(practice_set, warm):
    assert practice_set.oefendata and practice_set.gemeente == "Utrecht"
    assert practice_set.extra["seed"] == 7 and len(practice_set.extra["afwijkingen"]) == 3
    assert practice_set.verhalen["bevestigd"].any()
    assert practice_set.kaartnotities["buurtcode"].notna().any()
    again = res.practice_vertellen(wijklib.kerncijfers("Utrecht"), wijklib.gebieden("Utrecht"),
                                   seed=7, focus="WK034403")
    pd.testing.assert_frame_equal(again.antwoorden, practice_set.antwoorden)
    assert list(again.verhalen["verhaal"]) == list(practice_set.verhalen["verhaal"])


def test_vertellen_round_trip(practice_set, tmp_path):
    assert res.load_vertellen(tmp_path) is None
    folder = res.save_vertellen(practice_set, tmp_path)
    got = res.load_vertellen(tmp_path)
    assert got.oefendata and got.gemeente == "Utrecht" and got.extra["seed"] == 7
    # the survey travels as aggregates only: no row per respondent
    assert got.antwoorden.empty and got.enquete is not None
    sent = practice_set.enquete
    pd.testing.assert_frame_equal(got.enquete.deelname, sent.deelname, check_dtype=False)
    pd.testing.assert_frame_equal(got.enquete.scores, sent.scores, check_dtype=False,
                                  check_exact=False)
    assert got.enquete.scores["n"].dtype == "Int64" and got.enquete.scores["verborgen"].any()
    assert got.enquete.gebieden == json.loads(json.dumps(sent.gebieden))
    assert got.enquete.leeftijd == sent.leeftijd and got.enquete.min_n == 10
    assert not (folder / res.INDIVIDUAL_ANSWERS).exists()
    assert not (folder / res.OLD_ANSWERS).exists()
    for attr in ("verhalen", "krachten", "wijkschouw"):
        a, b = getattr(got, attr), getattr(practice_set, attr)
        assert a.shape == b.shape, attr
        assert a.astype(str).equals(b.reset_index(drop=True).astype(str)), attr
    assert len(got.kaartnotities) == len(practice_set.kaartnotities)
    assert set(got.kaartnotities["categorie"]) == set(practice_set.kaartnotities["categorie"])
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    assert meta["aantallen"]["enquete-deelname"] == len(practice_set.enquete.deelname)
    assert "antwoorden" not in meta["aantallen"]  # not even how many rows there were


@pytest.mark.parametrize("name, part", [("enquete-deelname.csv", "deelname aan de enquête"),
                                        ("enquete-scores.csv", "enquêtescores")])
def test_truncated_hand_over_is_refused_not_half_loaded(practice_set, tmp_path, name, part):
    folder = res.save_vertellen(practice_set, tmp_path)
    table = folder / name
    lines = table.read_bytes().split(b"\r\n")
    rows = len(lines) - 2  # header and the empty string after the last line break
    half = rows // 2
    table.write_bytes(b"\r\n".join(lines[: half + 1]) + b"\r\n")  # header + half
    with pytest.raises(res.ResultsFileError, match=f"{part}.*: {half} van de {rows} rijen"):
        res.load_vertellen(tmp_path)


def test_an_edited_hand_over_is_refused(practice_set, tmp_path):
    folder = res.save_vertellen(practice_set, tmp_path)
    table = folder / "enquete-scores.csv"
    text = table.read_text("utf-8-sig")
    table.write_text(text.replace(";True;", ";misschien;", 1), "utf-8-sig")
    with pytest.raises(res.ResultsFileError, match="beschadigd.*notebook 2 opnieuw"):
        res.load_vertellen(tmp_path)
    res.save_vertellen(practice_set, tmp_path)
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text("utf-8"))
    del meta["aantallen"]["enquete-scores"]  # nothing to check the table against
    meta_path.write_text(json.dumps(meta), "utf-8")
    with pytest.raises(res.ResultsFileError, match="enquêtescores per buurt: aantal ontbreekt"):
        res.load_vertellen(tmp_path)


def test_an_old_hand_over_with_raw_answers_asks_to_save_again(practice_set, tmp_path):
    folder = res.save_vertellen(practice_set, tmp_path)
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text("utf-8"))
    del meta["enquete"]
    meta["versie"] = 2
    meta_path.write_text(json.dumps(meta), "utf-8")
    (folder / "antwoorden.csv").write_bytes(b"respondent;buurtcode\r\n1;BU03440311\r\n")
    with pytest.raises(res.ResultsFileError,
                       match="oudere versie.*voer het opnieuw uit tot en met de cel "
                             "'Bewaar je werk'"):
        res.load_vertellen(tmp_path)
    # saving again leaves no raw answers behind
    res.save_vertellen(practice_set, tmp_path)
    assert not (folder / "antwoorden.csv").exists()
    assert res.load_vertellen(tmp_path).enquete is not None


def test_individual_answers_are_saved_only_when_asked(practice_set, tmp_path):
    folder = res.save_vertellen(practice_set, tmp_path, antwoorden=True)
    own = folder / res.INDIVIDUAL_ANSWERS
    assert "per-bewoner" in own.name and len(pd.read_csv(own, sep=";")) == len(
        practice_set.antwoorden)
    assert res.load_vertellen(tmp_path).antwoorden.empty  # notebook 3 never reads them
    res.save_vertellen(practice_set, tmp_path)  # saved again without asking: gone
    assert not own.exists()


def test_vertellen_unfinished_or_damaged(practice_set, tmp_path):
    folder = res.save_vertellen(practice_set, tmp_path)
    (folder / "verhalen.csv").unlink()
    with pytest.raises(res.ResultsFileError, match="notebook 2 opnieuw"):
        res.load_vertellen(tmp_path)
    (folder / "meta.json").unlink()  # meta is written last: without it, nothing was saved
    assert res.load_vertellen(tmp_path) is None


def test_bundle(practice_set, tmp_path):
    folder = res.save_vertellen(practice_set, tmp_path / "werk", antwoorden=True)
    state = tmp_path / "werk" / "agenda.json"
    state.write_text("{}", "utf-8")
    zipped = res.bundle([folder, state], tmp_path / "alles.zip")
    names = set(zipfile.ZipFile(zipped).namelist())
    # the raw answers (every respondent's row, hidden buurten too) stay out by default
    assert {"vertellen/meta.json", "agenda.json", "LEES-MIJ-antwoorden.txt"} <= names
    assert not any("antwoorden" in name and name.endswith(".csv") for name in names)
    assert "vertellen/enquete-deelname.csv" in names
    note = zipfile.ZipFile(zipped).read("LEES-MIJ-antwoorden.txt").decode("utf-8")
    assert "antwoorden=True" in note
    asked = res.bundle([folder], tmp_path / "losse-antwoorden.zip", antwoorden=True)
    assert f"vertellen/{res.INDIVIDUAL_ANSWERS}" in zipfile.ZipFile(asked).namelist()
    with pytest.raises(res.ResultsFileError, match="belooft een samenvatting"):
        res.bundle([folder], tmp_path / "samenvatting-wijk.zip", antwoorden=True)
    assert not list(tmp_path.glob("samenvatting-wijk.zip*"))
    with pytest.raises(res.ResultsFileError, match="bestaat niet"):
        res.bundle([tmp_path / "nergens"], tmp_path / "x.zip")
    assert not list(tmp_path.glob("x.zip*"))


def test_default_wijkschouw_round_trip(practice_set, tmp_path):
    result = res.Vertellen(gemeente="Utrecht", antwoorden=practice_set.antwoorden,
                           kaartnotities=practice_set.kaartnotities,
                           verhalen=practice_set.verhalen, krachten=practice_set.krachten)
    assert result.wijkschouw.empty and len(result.wijkschouw.columns) > 0
    res.save_vertellen(result, tmp_path)
    got = res.load_vertellen(tmp_path)
    assert got.wijkschouw.empty
    assert list(got.wijkschouw.columns) == list(result.wijkschouw.columns)


def test_empty_csv_of_an_old_save_is_an_empty_table(practice_set, tmp_path):
    folder = res.save_vertellen(practice_set, tmp_path)
    (folder / "wijkschouw.csv").write_text("\n", "utf-8")  # what pd.DataFrame() wrote
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    meta["aantallen"]["wijkschouw"] = 0  # that save had no wijkschouw
    (folder / "meta.json").write_text(json.dumps(meta), "utf-8")
    got = res.load_vertellen(tmp_path)
    assert got.wijkschouw.empty


REFLECTIE = 'Cijfers wijzen waar je kijkt; bewoners zeggen waarom.\n\n"Wie mis ik?" <b>{{x}}</b>'


def test_tellen_keeps_the_reflection_and_an_old_file_still_loads(tmp_path):
    res.save_tellen("Utrecht", "buurt", "BU03440311", folder=tmp_path, reflectie=REFLECTIE)
    assert res.load_tellen(tmp_path)["reflectie"] == REFLECTIE  # exactly as typed
    old = {"versie": 2, "gemeente": "Utrecht", "niveau": "buurt", "focus": "BU03440311",
           "indicatoren": [], "vragen": []}  # saved before there was a reflection
    (tmp_path / res.TELLEN).write_text(json.dumps(old), "utf-8")
    assert res.load_tellen(tmp_path)["reflectie"] == ""
    (tmp_path / res.TELLEN).write_text(json.dumps({**old, "reflectie": None}), "utf-8")
    assert res.load_tellen(tmp_path)["reflectie"] == ""  # never None or "None"


def test_vertellen_keeps_the_reflection_and_an_old_save_still_loads(practice_set, tmp_path):
    assert practice_set.reflectie == ""  # the practice set writes nothing for anyone
    own = res.Vertellen(**{**practice_set.__dict__, "reflectie": REFLECTIE})
    folder = res.save_vertellen(own, tmp_path)
    assert res.load_vertellen(tmp_path).reflectie == REFLECTIE
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text("utf-8"))
    del meta["reflectie"]  # a folder saved before there was a reflection
    meta_path.write_text(json.dumps(meta), "utf-8")
    got = res.load_vertellen(tmp_path)
    assert got.reflectie == "" and got.enquete is not None


def test_the_reflection_travels_in_the_zip_of_notebook_2(practice_set, tmp_path):
    own = res.Vertellen(**{**practice_set.__dict__, "reflectie": REFLECTIE})
    folder = res.save_vertellen(own, tmp_path / "export")
    with zipfile.ZipFile(res.bundle([folder], tmp_path / "vertellen.zip")) as zf:
        meta = json.loads(zf.read("vertellen/meta.json"))
    assert meta["reflectie"] == REFLECTIE


def test_an_own_questionnaire_travels_from_notebook_2_to_notebook_3(practice_set, tmp_path):
    from wijklib.vertellen import survey

    own_file = tmp_path / "data" / "mijn_vragen.csv"
    own_file.parent.mkdir()
    text = survey.default_path().read_text("utf-8")
    assert "In welke buurt woont u?" in text
    own_file.write_text(text.replace("In welke buurt woont u?", "Waar woon je?"), "utf-8")
    own = res.Vertellen(**{**practice_set.__dict__, "vragenlijst": own_file})
    folder = res.save_vertellen(own, tmp_path / "export")
    own_file.unlink()  # the participant's file may be gone by session 3: the copy is kept
    got = res.load_vertellen(tmp_path / "export")
    assert got.vragenlijst == folder / "vragenlijst.csv"
    assert survey.vragenlijst(got.vragenlijst).question("buurt").tekst == "Waar woon je?"
    # without an own questionnaire nothing is copied
    plain = res.save_vertellen(practice_set, tmp_path / "plain")
    assert not list(plain.glob("vragenlijst*"))
    assert res.load_vertellen(tmp_path / "plain").vragenlijst is None
    # a copy that went missing is named, not silently replaced by the default
    (folder / "vragenlijst.csv").unlink()
    with pytest.raises(res.ResultsFileError, match="eigen vragenlijst"):
        res.load_vertellen(tmp_path / "export")


def test_the_zip_carries_the_agenda_without_personal_data(tmp_path):
    """The zip is what a participant sends to the trainer (Binder): its buurtagenda.json is
    the public copy, readable by the group mode; the working file keeps what was typed."""
    from wijklib.agenda import groep
    from wijklib.agenda import state as ag

    agenda = ag.new_agenda("Utrecht", ["BU03440311"])
    agenda.priorities = ag.dot_vote({"wonen": 2})
    agenda.reflectie = "Bel mevrouw Jansen op 06 - 1234 5678."
    working = ag.save_state(agenda, tmp_path / "buurtagenda.json")
    zipped = res.bundle([working], tmp_path / "alles.zip", agenda=agenda)
    members = zipfile.ZipFile(zipped).namelist()
    assert members.count("buurtagenda.json") == 1  # the public copy took the file's place
    text = zipfile.ZipFile(zipped).read("buurtagenda.json").decode("utf-8")
    assert "Jansen" not in text and "1234 5678" not in text and "[weggehaald]" in text
    assert groep.read_participant(zipped).reflectie == "Bel [weggehaald] op [weggehaald]."
    assert "Jansen" in working.read_text("utf-8")
