"""The buurtagenda state: priorities, traceable items, validation, saving without loss."""

from __future__ import annotations

import json
import math
import re
import warnings
from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest

from wijklib.agenda import state as ag
from wijklib.errors import InvalidChoiceError, WijklibError


def complete_item(**changes) -> ag.Ambitie:
    base = dict(
        thema="wonen",
        ambitie="Minder lege woningen in de Kerkbuurt",
        indicator="pct_onbewoond",
        bron="cbs",
        basiswaarde=7.0,
        basisjaar=2024,
        doel=4.0,
        doeljaar=2028,
        eenheid="% van de woningen",
        acties=[ag.Actie("Lege woningen samen in kaart brengen", "bewoners en corporatie",
                         "voorjaar 2026")],
        partners=["bewoners", "woningcorporatie", "buurthuis De Hoek"],
        beleid="Woonvisie 2030",
        evaluatie="maart 2027",
        onderbouwing=[
            ag.Onderbouwing("cijfer", "Aandeel onbewoonde woningen: 7 %",
                            "CBS Kerncijfers wijken en buurten (85984NED)", 2024, "pct_onbewoond"),
            ag.Onderbouwing("verhaal", "‘Aan de Kerkstraat staan al jaren huizen leeg.’",
                            "verhalenavond", 2025),
        ],
    )
    base.update(changes)
    return ag.Ambitie(**base)


def complete_agenda() -> ag.Agenda:
    agenda = ag.new_agenda("Utrecht", "Kerkbuurt")
    agenda.samenvatting = "Samen werken aan wonen — met “aanhalingstekens” en é."
    agenda.priorities = ag.dot_vote({"wonen": 6, "sociaal": 4})
    agenda.add(complete_item())
    agenda.add(complete_item(thema="sociaal", ambitie="Meer ontmoeting",
                             indicator="sociale_cohesie", bron="enquete", basiswaarde=5.8,
                             basisjaar=2025, doel="minstens 6,5", doeljaar=2027,
                             onderbouwing=[ag.Onderbouwing("enquete", "Sociale samenhang 5,8",
                                                           "eigen enquête", 2025),
                                           ag.Onderbouwing("kaartnotitie", "Geen plek om af te "
                                                           "spreken", "kaartnotities", 2025)]))
    agenda.krachten.append(ag.Kracht("Buurttuin", "plekken", "elke zaterdag open", "wijkschouw"))
    agenda.verhalen.append(ag.Onderbouwing("verhaal", "Ik ken mijn buren niet.", "buurtgesprek",
                                           2025))
    agenda.enquete = ag.Enquete(jaar=2025, n=312)
    return agenda


# ----------------------------------------------------------------------- priorities


def test_dot_vote_orders_and_shares_ranks():
    prios = ag.dot_vote({"wonen": 3, "veiligheid": 7, "sociaal": 3, "groen": 0, "zorg": 1})
    assert [p.thema for p in prios] == ["veiligheid", "wonen", "sociaal", "zorg"]
    assert [p.rang for p in prios] == [1, 2, 2, 4]
    assert [p.stemmen for p in prios] == [7, 3, 3, 1]
    assert sum(p.gewicht for p in prios) == pytest.approx(1)
    assert prios[0].gewicht == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        ({"wonen": -1}, "0 of meer"),
        ({"wonen": 1.5}, "hele getallen"),
        ({"wonen": "veel"}, "Vul een getal in"),
        ({"wonen": True}, "Vul een getal in"),
        ({"wonen": 0, "sociaal": 0}, "Verdeel eerst de stippen"),
        ({}, "woordenboek"),
        (["wonen"], "woordenboek"),
    ],
)
def test_dot_vote_wrong_input_gives_dutch_errors(votes, message):
    with pytest.raises(InvalidChoiceError, match=message):
        ag.dot_vote(votes)


def test_weigh_normalises_weights():
    prios = ag.weigh({"wonen": 0.5, "sociaal": 1.5})
    assert [p.thema for p in prios] == ["sociaal", "wonen"]
    assert [p.gewicht for p in prios] == [pytest.approx(0.75), pytest.approx(0.25)]
    assert prios[0].stemmen is None
    with pytest.raises(InvalidChoiceError):
        ag.weigh({"wonen": math.inf})


# ------------------------------------------------------------------------ baselines


def test_nulmeting_cbs_traces_value_year_and_table():
    frame = pd.DataFrame({"code": ["BU1", "BU2"], "naam": ["Kerkbuurt", "Molenwijk"],
                          "pct_onbewoond": [7.0, np.nan]})
    frame.attrs["indicators"] = {"pct_onbewoond": {"year": 2024, "table_id": "85984NED"}}
    base = ag.nulmeting_cbs(frame, "BU1", "pct_onbewoond")
    assert (base["basiswaarde"], base["basisjaar"], base["bron"]) == (7.0, 2024, "cbs")
    evidence = base["onderbouwing"][0]
    assert evidence.soort == "cijfer" and evidence.jaar == 2024
    assert "85984NED" in evidence.bron and "Kerkbuurt" in evidence.tekst
    item = ag.Ambitie(thema="wonen", ambitie="Minder leegstand", **base)
    assert item.onderbouwing[0].ref == "pct_onbewoond"
    missing = ag.nulmeting_cbs(frame, "Molenwijk", "pct_onbewoond")
    assert missing["basiswaarde"] is None  # missing stays missing, never 0
    assert "geen cijfer" in missing["onderbouwing"][0].tekst
    with pytest.raises(InvalidChoiceError, match="kolom"):
        ag.nulmeting_cbs(frame, "BU1", "woz_waarde")


def test_nulmeting_enquete_and_evidence_from_rings():
    scores = pd.DataFrame({"buurtcode": ["BU1", "BU2"], "buurtnaam": ["Kerkbuurt", "Molen"],
                           "schaal": ["sociale_cohesie"] * 2, "label": ["Sociale samenhang"] * 2,
                           "score": [5.8, np.nan], "ondergrens": [5.4, np.nan],
                           "bovengrens": [6.2, np.nan], "n": [61, 4]})
    base = ag.nulmeting_enquete(scores, "BU1", "sociale_cohesie", 2025)
    assert (base["basiswaarde"], base["basisjaar"], base["bron"]) == (5.8, 2025, "enquete")
    assert "n = 61" in base["onderbouwing"][0].tekst
    assert "marge 5,4 tot 6,2" in base["onderbouwing"][0].tekst
    with pytest.raises(ag.NoBaselineError, match="geen nulmeting"):
        ag.nulmeting_enquete(scores, "BU2", "sociale_cohesie", 2025)
    rings = pd.DataFrame([
        {"buurtcode": "BU1", "buurtnaam": "Kerkbuurt", "thema": "wonen", "cijfers": 120.0,
         "beleving": 80.0, "beleving_onder": 75.0, "beleving_boven": 85.0, "n": 61,
         "indicatoren": "Aandeel onbewoonde woningen (2024)", "jaren": "2023–2024",
         "bronnen": "CBS Kerncijfers wijken en buurten (85984NED)", "schalen": "Rapportcijfer"},
        {"buurtcode": "BU2", "buurtnaam": "Molen", "thema": "wonen", "cijfers": 90.0,
         "beleving": np.nan, "beleving_onder": np.nan, "beleving_boven": np.nan, "n": None,
         "indicatoren": "", "jaren": "2024", "bronnen": "CBS", "schalen": ""},
    ])
    evidence = ag.evidence_from_rings(rings, "BU1", "wonen", enquete_jaar=2025)
    assert [e.soort for e in evidence] == ["cijfer", "enquete"]
    assert evidence[0].jaar == 2024 and "index 120" in evidence[0].tekst
    assert evidence[1].jaar == 2025 and "n = 61" in evidence[1].tekst
    assert [e.soort for e in ag.evidence_from_rings(rings, "BU2", "wonen")] == ["cijfer"]
    with pytest.raises(InvalidChoiceError):
        ag.evidence_from_rings(rings, "BU3", "wonen")


# ------------------------------------------------------------------------- validate


def test_validate_complete_agenda_has_no_gaps():
    assert [p for p in ag.validate(complete_agenda()) if not p.startswith("Tip:")] == []


def test_validate_names_the_missing_pieces():
    agenda = complete_agenda()
    agenda.add(complete_item(ambitie="Zonder bewijs", onderbouwing=[]))
    agenda.add(complete_item(ambitie="Zonder jaar", basisjaar=None))
    agenda.add(complete_item(ambitie="Zonder evaluatie", evaluatie=""))
    agenda.add(complete_item(ambitie="Doel te vroeg", doeljaar=2020))
    agenda.add(complete_item(ambitie="Actie zonder wie", acties=[ag.Actie("Schouw", "", "mei")]))
    agenda.add(complete_item(ambitie="Cijfer zonder jaar",
                             onderbouwing=[ag.Onderbouwing("cijfer", "7 %", "CBS")]))
    agenda.add(complete_item(ambitie="Alleen verhalen",
                             onderbouwing=[ag.Onderbouwing("verhaal", "Leeg", "avond", 2025)]))
    problems = ag.validate(agenda)
    text = "\n".join(problems)
    # numbered as in the export: the ambitions follow the vote (wonen 6 dots, sociaal 4)
    assert "Ambitie 2 (wonen: 'Zonder bewijs'): er staat geen onderbouwing bij" in text
    assert "Ambitie 3 (wonen: 'Zonder jaar'): het jaar van de nulmeting (basisjaar)" in text
    assert "Ambitie 4 (wonen: 'Zonder evaluatie'): er is geen evaluatiemoment" in text
    assert "Ambitie 5 (wonen: 'Doel te vroeg'): het doeljaar (2020) moet na" in text
    assert "Ambitie 6 (wonen: 'Actie zonder wie'), actie 1: vul in wie het doet" in text
    assert "Ambitie 7 (wonen: 'Cijfer zonder jaar'), onderbouwing 1: het jaar" in text
    assert "Tip: Ambitie 8 (wonen: 'Alleen verhalen') steunt alleen op verhalen" in text


def test_validate_empty_agenda():
    problems = ag.validate(ag.Agenda(gemeente=""))
    assert problems == [
        "Vul de gemeente in.",
        "Vul in over welke buurt (of buurten) de agenda gaat.",
        "Er zijn nog geen prioriteiten. Verdeel de stippen (dot_vote) of geef gewichten "
        "(weigh).",
        "Er staat nog geen ambitie in de agenda. Voeg er minstens één toe.",
    ]
    with pytest.raises(InvalidChoiceError):
        ag.validate({"gemeente": "Utrecht"})


# ----------------------------------------------------------------- save and load


def test_save_load_round_trip(tmp_path):
    agenda = complete_agenda()
    agenda.items[0].basiswaarde = float("nan")  # missing is saved as null, not NaN
    path = ag.save_state(agenda, tmp_path / "sub" / "agenda.json")
    data = json.loads(path.read_text("utf-8"))
    assert data["schema"] == ag.SCHEMA and data["schema_version"] == ag.SCHEMA_VERSION
    assert data["agenda"]["items"][0]["basiswaarde"] is None
    loaded = ag.load_state(path)
    agenda.items[0].basiswaarde = None
    assert loaded == agenda
    assert isinstance(loaded.items[0].acties[0], ag.Actie)
    assert loaded.items[1].doel == "minstens 6,5"
    assert list(tmp_path.glob("sub/.*.tmp")) == []  # no temporary files left
    # saving a valid current file again makes no backup
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ag.autosave(loaded, path)
    assert list(tmp_path.glob("sub/*.bak-*")) == []


def test_corrupted_file_gives_dutch_error_with_place_and_is_backed_up(tmp_path):
    path = tmp_path / "agenda.json"
    broken = '{\n  "schema": "wijklib-buurtagenda",\n  "schema_version": 1\n  "agenda": {}\n}'
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ag.StateFileError) as err:
        ag.load_state(path)
    message = str(err.value)
    assert "beschadigd" in message and "regel 4, kolom 3" in message
    assert "komma" in message and "niets overschreven" in message
    assert isinstance(err.value, WijklibError)
    assert path.read_text("utf-8") == broken  # loading never changes the file
    with pytest.warns(ag.BackupWarning, match="bak-"):
        ag.save_state(complete_agenda(), path)
    backups = list(tmp_path.glob("agenda.bak-*.json"))
    assert len(backups) == 1 and backups[0].read_text("utf-8") == broken
    assert ag.load_state(path).gemeente == "Utrecht"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is leeg"),
        ("[1, 2]", "geen buurtagenda"),
        ('{"foo": 1}', "schema_version"),
        ('{"schema": "iets", "schema_version": 1, "agenda": {}}', "geen buurtagenda"),
        ('{"schema": "wijklib-buurtagenda", "schema_version": 1, "agenda": {"items": "x"}}',
         "agenda.items"),
        ('{"schema": "wijklib-buurtagenda", "schema_version": 1, "agenda": '
         '{"gemeente": "U", "items": [{"thema": "w", "ambitie": "a", "basisjaar": "twee"}]}}',
         "ambitie 1.basisjaar"),
        ('{"schema": "wijklib-buurtagenda", "schema_version": "één", "agenda": {}}',
         "onbekende versie"),
    ],
)
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / "agenda.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ag.StateFileError, match=message):
        ag.load_state(path)


def test_binary_and_missing_files(tmp_path):
    path = tmp_path / "agenda.json"
    path.write_bytes(b"\xff\xfe\x00garbage\x80")
    with pytest.raises(ag.StateFileError, match="beschadigd"):
        ag.load_state(path)
    with pytest.raises(ag.StateFileError, match="bestaat niet"):
        ag.load_state(tmp_path / "nergens.json")


def test_no_overwrite_without_backup(tmp_path, monkeypatch):
    path = tmp_path / "agenda.json"
    path.write_text("{kapot", encoding="utf-8")

    def fail(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(ag.shutil, "copy2", fail)
    with pytest.raises(ag.AgendaError, match="niets overschreven"):
        ag.save_state(complete_agenda(), path)
    assert path.read_text("utf-8") == "{kapot"
    assert list(tmp_path.iterdir()) == [path]


def test_older_version_is_migrated_and_backed_up(tmp_path):
    agenda = complete_agenda()
    old = asdict(agenda)  # version 0: the bare agenda dictionary
    del old["revision"]  # in memory only, never in a file
    for item in old["items"]:
        del item["id"]
    old["buurt"] = old.pop("buurten")[0]
    path = tmp_path / "agenda.json"
    original = json.dumps(old, ensure_ascii=False)
    path.write_text(original, encoding="utf-8")
    with pytest.warns(ag.MigrationWarning, match="oudere opbouw"):
        loaded = ag.load_state(path)
    assert loaded.buurten == ["Kerkbuurt"]
    assert loaded.items[0].ambitie == agenda.items[0].ambitie
    assert loaded.items[0].onderbouwing == agenda.items[0].onderbouwing
    assert all(item.id for item in loaded.items)
    with pytest.warns(ag.BackupWarning):
        ag.save_state(loaded, path)
    backups = list(tmp_path.glob("agenda.bak-*.json"))
    assert len(backups) == 1 and backups[0].read_text("utf-8") == original
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ag.load_state(path) == loaded


def test_newer_version_is_explained_and_kept(tmp_path):
    path = tmp_path / "agenda.json"
    newer = json.dumps({"schema": ag.SCHEMA, "schema_version": 99, "agenda": {}})
    path.write_text(newer, encoding="utf-8")
    with pytest.raises(ag.StateVersionError, match="nieuwere versie"):
        ag.load_state(path)
    with pytest.warns(ag.BackupWarning):
        ag.save_state(complete_agenda(), path)
    assert [b.read_text("utf-8") for b in tmp_path.glob("*.bak-*.json")] == [newer]


def test_save_state_errors(tmp_path):
    with pytest.raises(ag.AgendaError, match="is een map"):
        ag.save_state(complete_agenda(), tmp_path)
    with pytest.raises(InvalidChoiceError):
        ag.save_state({"gemeente": "Utrecht"}, tmp_path / "a.json")


def test_agenda_helpers():
    agenda = complete_agenda()
    assert agenda.item(1) is agenda.items[0]
    assert agenda.item(agenda.items[1].id) is agenda.items[1]
    with pytest.raises(InvalidChoiceError, match="van 1 tot 2"):
        agenda.item(5)
    with pytest.raises(InvalidChoiceError):
        agenda.add("iets")
    with pytest.raises(InvalidChoiceError):
        ag.new_agenda(" ", "Kerkbuurt")
    assert ag.new_agenda("Utrecht", ["A", "B"]).titel == "Buurtagenda A, B"
    assert ag.Item is ag.Ambitie
    assert "woningcorporatie" in ag.PARTNERS and len(ag.BOUWSTENEN) == 7


# ------------------------------------------------------------- review fixes (baselines)


def _hidden_scores() -> pd.DataFrame:
    """Scale scores as ``vertellen.scores`` gives them: Int64 n, a hidden buurt with n = <NA>."""
    frame = pd.DataFrame({
        "buurtcode": ["BU1", "BU2", "totaal"], "buurtnaam": ["Kerkbuurt", "Molen", "Alle"],
        "schaal": ["cohesie"] * 3, "label": ["Sociale samenhang"] * 3,
        "score": [5.8, np.nan, 6.0], "ondergrens": [5.4, np.nan, 5.9],
        "bovengrens": [6.2, np.nan, 6.1], "verborgen": [False, True, False],
        "eenheid": ["0-10"] * 3, "reden": ["", "te weinig antwoorden", ""],
    })
    frame["n"] = pd.array([61, None, 200], dtype="Int64")
    return frame


def test_nulmeting_enquete_hidden_buurt_gives_a_dutch_error_not_a_type_error():
    scores = _hidden_scores()
    with pytest.raises(ag.NoBaselineError) as info:
        ag.nulmeting_enquete(scores, "BU2", "cohesie", 2025)
    message = str(info.value)
    assert isinstance(info.value, WijklibError)
    assert "Molen" in message and "te weinig deelnemers" in message and "totaal" in message
    base = ag.nulmeting_enquete(scores, "BU1", "cohesie", 2025)  # Int64 n works too
    assert base["basiswaarde"] == 5.8 and "n = 61" in base["onderbouwing"][0].tekst
    assert ag.nulmeting_enquete(scores, "totaal", "cohesie", 2025)["basiswaarde"] == 6.0


def test_nulmeting_enquete_missing_bounds_and_n_as_pd_na():
    scores = _hidden_scores()
    scores["ondergrens"] = pd.array([pd.NA, pd.NA, pd.NA], dtype="Float64")
    scores["bovengrens"] = pd.array([pd.NA, pd.NA, pd.NA], dtype="Float64")
    scores["n"] = pd.array([None, None, None], dtype="Int64")
    text = ag.nulmeting_enquete(scores, "BU1", "cohesie", 2025)["onderbouwing"][0].tekst
    assert "marge" not in text and "n =" not in text and "5,8" in text


def test_nulmeting_cbs_without_a_value_leaves_the_unit_out():
    frame = pd.DataFrame({"code": ["BU1", "BU2"], "naam": ["Kerkbuurt", "Molen"],
                          "pct_onbewoond": [6.25, np.nan]})
    frame.attrs["indicators"] = {"pct_onbewoond": {"year": 2023, "table_id": "85984NED"}}
    empty = ag.nulmeting_cbs(frame, "BU2", "pct_onbewoond")
    assert empty["basiswaarde"] is None
    text = empty["onderbouwing"][0].tekst
    assert text.endswith("geen cijfer (ontbreekt of geheim)") and "%" not in text
    full = ag.nulmeting_cbs(frame, "BU1", "pct_onbewoond")["onderbouwing"][0].tekst
    assert "6,3 %" in full


# --------------------------------------------------------------- review fixes (targets)


def test_validate_tips_when_the_target_is_not_better_than_the_baseline():
    agenda = complete_agenda()
    agenda.add(complete_item(ambitie="Doel de verkeerde kant op", doel=9.0))  # ongunstig
    agenda.add(complete_item(ambitie="Doel gelijk", doel=7.0))
    tips = [p for p in ag.validate(agenda) if "is lager beter" in p]
    assert len(tips) == 2 and all(t.startswith("Tip:") for t in tips)
    assert "(9)" in tips[0] and "(7)" in tips[0]
    assert not [p for p in ag.validate(complete_agenda()) if "beter dan nu" in p]
    unknown = complete_agenda()
    unknown.items[0].indicator, unknown.items[0].doel = "eigen_telling", 99.0
    assert not [p for p in ag.validate(unknown) if "beter dan nu" in p]  # direction unknown


def test_target_from_baseline_follows_direction_and_range():
    assert ag.direction("onveiligheid") == "ongunstig" and ag.direction("cohesie") == "gunstig"
    assert ag.direction("bestaat_niet") is None
    assert ag.target_from_baseline({"indicator": "onveiligheid", "basiswaarde": 50.0,
                                    "eenheid": "%"}) == 45.0
    assert ag.target_from_baseline({"indicator": "cohesie", "basiswaarde": 6.0,
                                    "eenheid": "0-10"}) == 6.6
    assert ag.target_from_baseline({"indicator": "cohesie", "basiswaarde": 9.5,
                                    "eenheid": "0-10"}) == 10.0  # stays on the scale
    assert ag.target_from_baseline({"indicator": "cohesie", "basiswaarde": None}) is None
    assert ag.target_from_baseline({"indicator": "eigen", "basiswaarde": 3.0}) is None
    assert ag.target_from_baseline({}) is None


def test_target_from_baseline_at_the_ends_of_the_scale():
    """A baseline of 0 (every respondent at the bottom of an own survey) still gets a
    target that is better; a baseline at the best end has no better target (None)."""
    assert ag.target_from_baseline({"indicator": "cohesie", "basiswaarde": 0.0,
                                    "eenheid": "0-10"}) == 1.0  # a tenth of the scale
    assert ag.target_from_baseline({"indicator": "cohesie", "basiswaarde": 0.0,
                                    "eenheid": "%"}) == 10.0
    assert ag.target_from_baseline({"indicator": "onveiligheid", "basiswaarde": 0.0,
                                    "eenheid": "%"}) is None  # nobody feels unsafe
    assert ag.target_from_baseline({"indicator": "cohesie", "basiswaarde": 10.0,
                                    "eenheid": "0-10"}) is None  # already the best
    assert ag.target_from_baseline({"indicator": "cohesie", "basiswaarde": 0.0}) is None


# ------------------------------------------------------------ review fixes (who is heard)


def test_share_text_needs_the_minimum_and_leaves_unknown_ages_out():
    groups = (["65_plus"] * 6 + ["18_34"] * 10
              + [None, "geen_antwoord", np.nan, "", "weet_niet"])
    text = ag.share_text(groups, "65_plus", "65 jaar of ouder", 5, 21.4, 2023, "Overvecht")
    assert "65 jaar of ouder: 38%" in text and "n = 16" in text  # 6 of 16 known, not of 21
    assert "5 zonder antwoord niet meegeteld" in text
    assert "21% van de inwoners (CBS 2023, Overvecht)" in text
    # 3 of 65+ (or 3 without an answer) below the minimum of 5 would follow from 38% of 8
    for few in (["65_plus"] * 3 + ["18_34"] * 5, ["65_plus"] * 6 + ["18_34"] * 6 + [None] * 3):
        small = ag.share_text(few, "65_plus", "65 jaar of ouder", 5, 21.4, 2023)
        assert "laat ik hier niet zien" in small and "terugrekenen" in small
        participants, cbs = small.split("Ter vergelijking:")  # the CBS side is still shown
        assert "%" not in participants and not re.search(r"\b3\b", small)
        assert "n =" not in small and cbs.strip() == "21% van de inwoners (CBS 2023)."
    hidden = ag.share_text(groups, "65_plus", "65 jaar of ouder", 20, 21.4, 2023)
    assert "laat ik niet zien" in hidden and "minder dan 20" in hidden
    assert "% van de deelnemers" not in hidden and "Ter vergelijking: 21%" in hidden
    assert "16" not in hidden  # the number of participants below the minimum is not printed
    nobody = ag.share_text([], "65_plus", "65 jaar of ouder", 5, 21.4, 2023)
    assert "niemand" in nobody and "nan" not in nobody.lower()
    all_missing = ag.share_text([None, np.nan], "65_plus", "65 jaar of ouder", 1)
    assert "niemand" in all_missing
    no_cbs = ag.share_text(["65_plus"] * 5, "65_plus", "65 jaar of ouder", 5, np.nan, None)
    assert "100%" in no_cbs and "geen cijfer" in no_cbs and "jaar onbekend" in no_cbs


# ------------------------------------------------------------- review fixes (buurtcodes)


def test_new_agenda_stores_codes_and_shows_names():
    agenda = ag.new_agenda("Utrecht", "BU03440311", buurtnamen={"BU03440311": "Taagdreef"})
    assert agenda.buurten == ["BU03440311"] and agenda.titel == "Buurtagenda Taagdreef"
    assert agenda.buurt_labels() == ["Taagdreef (BU03440311)"]
    again = ag.from_dict(ag.to_dict(agenda))
    assert again.buurtnamen == {"BU03440311": "Taagdreef"}
    old = ag.from_dict({k: v for k, v in ag.to_dict(agenda).items() if k != "buurtnamen"}
                       | {"buurten": ["Taagdreef"]})
    assert old.buurten == ["Taagdreef"] and old.buurt_labels() == ["Taagdreef"]


# ------------------------------------------------------- an agenda of decisions only


def test_an_example_ambition_is_refused_with_a_dutch_reason():
    agenda = complete_agenda()
    example = complete_item(ambitie="Voorbeeld: meer groen", voorbeeld=True)
    with pytest.raises(ag.ExampleError, match="is een voorbeeld.*voorbeeld op False"):
        agenda.add(example)
    assert example not in agenda.items
    example.voorbeeld = ...  # a participant's unfilled answer is not a decision either
    with pytest.raises(ag.ExampleError):
        agenda.add(example)
    # made one's own, it goes in
    agenda.add(complete_item(ambitie="Meer groen aan de Kerkstraat"))
    assert agenda.items[-1].ambitie == "Meer groen aan de Kerkstraat"


def test_decided_items_follow_the_vote_and_skip_examples():
    agenda = complete_agenda()  # wonen first, then sociaal
    agenda.items.append(complete_item(thema="sociaal", ambitie="Voorbeeld", voorbeeld=True))
    assert [i.thema for i in ag.decided_items(agenda)] == ["wonen", "sociaal"]
    agenda.priorities = ag.dot_vote({"sociaal": 7, "wonen": 1})
    decided = ag.decided_items(agenda)
    assert [i.thema for i in decided] == ["sociaal", "wonen"]
    assert all(not i.voorbeeld for i in decided)
    # validate numbers the ambitions in the same order and names the example
    agenda.items[1].evaluatie = ""
    text = "\n".join(ag.validate(agenda))
    assert "is een voorbeeld" in text
    assert "Ambitie 1 (sociaal: 'Meer ontmoeting'): er is geen evaluatiemoment" in text


def test_validate_names_a_top_theme_without_ambition_and_an_unvoted_theme():
    agenda = complete_agenda()
    agenda.priorities = ag.dot_vote({"groen": 5, "wonen": 3, "sociaal": 0})
    text = "\n".join(ag.validate(agenda))
    assert "Het thema 'groen' (5 stippen, plaats 1) heeft nog geen ambitie" in text
    assert "hoort bij 'sociaal', maar dat thema kreeg geen stippen" in text
    assert "'wonen' (3 stippen" not in text


def test_the_example_flag_survives_saving_and_is_checked(tmp_path):
    agenda = complete_agenda()
    agenda.items.append(complete_item(ambitie="Voorbeeld", voorbeeld=True))
    path = ag.save_state(agenda, tmp_path / "agenda.json")
    back = ag.load_state(path)
    assert [i.voorbeeld for i in back.items] == [False, False, True]
    data = json.loads(path.read_text(encoding="utf-8"))
    data["agenda"]["items"][0]["voorbeeld"] = "ja"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(WijklibError, match="voorbeeld"):
        ag.load_state(path)
