"""The privacy rules have one owner: wijklib.guarantees.privacy.

* masking personal data in open answers (each attack a case; ordinary text stays);
* ``min_n=None`` means the default minimum group size in every module that takes it;
* one list of personal column names for the survey import and the map notes.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from wijklib.guarantees import privacy
from wijklib.guarantees.privacy import (
    MASK,
    MinGroupSizeError,
    is_personal_column,
    mask_personal,
    min_group_size,
    report_value,
)

# --------------------------------------------------------------------------- masking

ATTACKS = [
    # (text, the sensitive part that must be gone, kind reported)
    ("Mevrouw Jansen zegt dat het druk is.", "Jansen", privacy.NAME),
    ("mevrouw Jansen zegt dat het druk is.", "Jansen", privacy.NAME),
    ("MEVROUW Jansen zegt dat het druk is.", "Jansen", privacy.NAME),
    ("Dhr. Bakker heeft een klacht.", "Bakker", privacy.NAME),
    ("dhr. Bakker heeft een klacht.", "Bakker", privacy.NAME),
    ("DHR Bakker heeft een klacht.", "Bakker", privacy.NAME),
    ("Mw. de Vries woont hier al lang.", "Vries", privacy.NAME),
    ("MW. de Vries woont hier al lang.", "Vries", privacy.NAME),
    ("mw de Vries woont hier al lang.", "Vries", privacy.NAME),
    ("Mevr. van der Berg belde.", "Berg", privacy.NAME),
    ("Meneer El Amrani helpt.", "Amrani", privacy.NAME),
    ("De heer Van Dam helpt.", "Dam", privacy.NAME),
    ("de heer Bakker helpt.", "Bakker", privacy.NAME),
    ("Mr. Jansen is advocaat.", "Jansen", privacy.NAME),
    ("mr Jansen is advocaat.", "Jansen", privacy.NAME),
    ("Bel 06 - 1234 5678 voor info.", "1234 5678", privacy.PHONE),
    ("Bel (030) 123 4567 voor info.", "123 4567", privacy.PHONE),
    ("Bel 06.12.34.56.78 voor info.", "06.12.34.56.78", privacy.PHONE),
    ("Bel +31 6 12345678 voor info.", "12345678", privacy.PHONE),
    ("Bel 0612345678 voor info.", "0612345678", privacy.PHONE),
    ("Bel 030-1234567 voor info.", "1234567", privacy.PHONE),
    ("Ik woon in 3511ab.", "3511", privacy.POSTCODE),
    ("Ik woon in 3511 ab.", "3511", privacy.POSTCODE),
    ("Ik woon in 3511 AB.", "3511", privacy.POSTCODE),
    ("Ik woon in 3511AB.", "3511", privacy.POSTCODE),
    ("Stort op NL91ABNA0417164300 graag.", "0417164300", privacy.IBAN),
    ("Stort op NL91 ABNA 0417 1643 00 graag.", "0417 1643", privacy.IBAN),
    ("Stort op nl91abna0417164300 graag.", "0417164300", privacy.IBAN),
    ("Mijn bsn is 111222333.", "111222333", privacy.BSN),
    ("Mijn bsn is 123456782, zie brief.", "123456782", privacy.BSN),
    ("Mail naar jan.jansen@example.nl voor meer.", "jan.jansen", privacy.EMAIL),
    ("Mail naar Piet+buurt@mail.example.com.", "Piet+buurt", privacy.EMAIL),
    ("Ik woon op de Kanaalweg 12 hoog.", "Kanaalweg 12", privacy.ADDRESS),
]


@pytest.mark.parametrize(("text", "secret", "kind"), ATTACKS)
def test_mask_personal_removes_the_sensitive_part(text, secret, kind):
    masked, found = mask_personal(text)
    assert secret not in masked
    assert MASK in masked
    assert kind in found


ORDINARY = [
    "Ik ben 50 jaar en woon hier graag.",
    "We komen samen in buurthuis De Dreef.",
    "Bus 12 rijdt te weinig.",
    "bus 12 rijdt te weinig.",
    "We beginnen om 10.30 uur.",
    "In 2024 en 2025 reed lijn 12 vaker.",
    "Het fietspad is 1500 km lang, grapje.",
    "Er wonen 120 mensen in 40 huizen.",
    "De meester van groep 8 is aardig.",
    "De burgemeester Dijksma kwam langs.",
    "Dreef 3 kinderen naar school.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_mask_personal_keeps_ordinary_text(text):
    assert mask_personal(text) == (text, [])


def test_mask_personal_missing_and_non_text():
    assert mask_personal(None) == (None, [])
    value, found = mask_personal(float("nan"))
    assert math.isnan(value) and found == []
    assert mask_personal(pd.NA) == (pd.NA, [])
    masked, found = mask_personal(111222333)  # a BSN typed in a number field
    assert "111222333" not in masked and found == [privacy.BSN]
    assert privacy.find_personal("Bel 0612345678") == [privacy.PHONE]


@pytest.mark.parametrize("value", [612345678, 111222333, 3.5, True, [1, 2], {"a": 1},
                                   pd.Timestamp("2026-03-14")])
def test_report_value_never_echoes_non_text(value):
    shown = report_value(value)
    assert shown is not None and shown.startswith("(") and str(value) not in shown


def test_report_value_masks_and_shortens_text():
    assert report_value(None) is None and report_value(float("nan")) is None
    assert report_value("Bel 0612345678") == f"Bel {MASK}"
    assert report_value("x" * 100, limit=10) == "x" * 9 + "…"


# --------------------------------------------------------------------------- min_n


def test_min_group_size_one_meaning(monkeypatch):
    monkeypatch.delenv(privacy.MIN_GROUP_ENV, raising=False)
    assert min_group_size() == min_group_size(None) == privacy.DEFAULT_MIN_GROUP == 10
    assert min_group_size("standaard") == 10
    assert min_group_size(3) == 3 and min_group_size(privacy.NO_SUPPRESSION) == 1
    monkeypatch.setenv(privacy.MIN_GROUP_ENV, "4")
    assert min_group_size(None) == 4 and min_group_size(7) == 7
    for bad in (0, -1, 2.5, True, "tien"):
        with pytest.raises(MinGroupSizeError):
            min_group_size(bad)
    monkeypatch.setenv(privacy.MIN_GROUP_ENV, "nul")
    with pytest.raises(ValueError, match="WIJKLIB_MIN_GROEP='nul'"):
        min_group_size()


@pytest.fixture
def small_default(monkeypatch):
    """The default minimum group size, set through the environment (not 10 by accident)."""
    monkeypatch.setenv(privacy.MIN_GROUP_ENV, "6")
    return 6


def test_none_is_the_default_in_scores(small_default):
    from wijklib.vertellen import scores

    assert scores.min_group_size() == small_default  # notebooks call it there
    frame = pd.DataFrame({"n": [small_default - 1, small_default], "score": [7.0, 8.0]})
    out = privacy.suppress(frame, "n", ["score"], min_n=None)
    assert pd.isna(out.loc[0, "score"]) and out.loc[1, "score"] == 8.0
    assert privacy.secondary_suppress({"a": small_default - 1, "b": 50}, None)[0] >= {"a"}


def test_none_is_the_default_in_kaartnotities(small_default):
    from wijklib.vertellen import kaartnotities as kn

    notes = kn.new_notes()
    for _ in range(small_default - 1):
        notes = kn.add_note(notes, "kans", "Hier kan een moestuin.", lat=52.1, lon=5.1)
    counts = kn.count_notes(notes, by="categorie", min_n=None).set_index("categorie")
    assert pd.isna(counts.loc["kans", "aantal"])
    assert counts.attrs["min_n"] == small_default
    shown = kn.count_notes(notes, by="categorie", min_n=privacy.NO_SUPPRESSION)
    assert shown.set_index("categorie").loc["kans", "aantal"] == small_default - 1


def test_none_is_the_default_in_samenvatting(small_default):
    from wijklib.vertellen import samenvatting

    buurten = pd.DataFrame({"code": ["BU00010001", "BU00010002", "BU00010003"],
                            "naam": ["Klein", "Groot", "Ook groot"],
                            "inwoners": [500.0, 5000.0, 4000.0]})
    answers = pd.DataFrame({"buurtcode": ["BU00010001"] * (small_default - 1)
                            + ["BU00010002"] * 40 + ["BU00010003"] * 30})
    table = samenvatting.response_table(answers, buurten, min_n=None).set_index("Buurt")
    assert table.loc["Klein", "Respondenten"] != str(small_default - 1)
    assert table.loc["Groot", "Respondenten"] == "40"


def test_none_is_the_default_in_verhalen(small_default):
    from wijklib.vertellen import themas, verhalen

    stories = verhalen.new_stories()
    for _ in range(small_default - 1):
        stories = verhalen.add_story(stories, "BU03440311", "Mijn woning is vochtig.", "gesprek")
    coded = themas.confirm_themes(themas.suggest_themes(stories), "alle")
    counts = themas.count_themes(coded, min_n=None)
    assert counts["aantal"].isna().all() and counts.attrs["min_n"] == small_default


def test_none_is_the_default_in_practice_and_checks(small_default):
    from wijklib.vertellen import practice

    with pytest.raises(MinGroupSizeError):
        practice.practice_responses(pd.DataFrame({"code": ["BU00010001"], "naam": ["A"],
                                                  "inwoners": [100.0]}), min_n=0)


# --------------------------------------------------------------------------- columns

OLD_SURVEY_LIST = [
    "email", "e mail", "emailadres", "e mailadres", "email address", "e mail address",
    "emailaddress", "e mail adres", "name", "naam", "voornaam", "achternaam",
    "volledige naam", "full name", "first name", "last name", "adres", "address",
    "woonadres", "straat", "straatnaam", "huisnummer", "telefoon", "telefoonnummer",
    "phone", "phone number", "phonenumber", "mobiel", "mobiel nummer", "ipaddr",
    "ip address", "ip adres", "ipadres", "submitted by", "username", "gebruikersnaam",
    "deviceid", "device id", "imei", "subscriberid", "simserial", "token",
    "geboortedatum", "date of birth", "leeftijd", "age", "bsn", "responder",
    "respondent email", "postcode en huisnummer", "volledige postcode",
]
OLD_MAP_LIST = [
    "voornaam", "achternaam", "tussenvoegsel", "volledigenaam", "fullname", "firstname",
    "lastname", "surname", "username", "gebruikersnaam", "gebruiker", "user", "author",
    "auteur", "creator", "maker", "gemaaktdoor", "ingevulddoor", "ingediendoor", "contact",
    "contactpersoon", "email", "mail", "emailadres", "telefoon", "telefoonnummer", "tel",
    "phone", "mobiel", "adres", "address", "straat", "street", "huisnummer", "housenumber",
    "postcode", "zipcode", "postalcode", "woonplaats", "leeftijd", "age", "geboortedatum",
    "geboortejaar", "birthdate", "bsn", "ip", "ipadres", "submittedby", "_submittedby",
    "deviceid", "telefoonid", "imei",
]


@pytest.mark.parametrize("name", sorted(set(OLD_SURVEY_LIST + OLD_MAP_LIST)))
def test_is_personal_column_covers_both_old_lists(name):
    assert is_personal_column(name)
    assert is_personal_column(name.upper().replace(" ", "_"))
    assert is_personal_column(f"groep_1/{name}")  # KoBoToolbox paths


@pytest.mark.parametrize("name", ["E-mailadres", "Name", "_submitted_by", "contact_email",
                                  "Telefoon (mobiel)", "Achter-naam", "Geboorte datum"])
def test_is_personal_column_real_headers(name):
    assert is_personal_column(name)


@pytest.mark.parametrize("name", ["buurt", "respondent", "_uuid", "cijfer_buurt", "categorie",
                                  "tekst", "datum", "bron", "coh_prettig", "start"])
def test_is_personal_column_keeps_ordinary_columns(name):
    assert not is_personal_column(name)


def test_responses_and_kaartnotities_use_the_one_list():
    from wijklib.vertellen import kaartnotities, records, responses

    for module in (responses, kaartnotities, records):
        source = open(module.__file__, encoding="utf-8").read()
        assert "is_personal_column" in source
    assert not hasattr(responses, "PERSONAL_COLUMNS")
    assert not hasattr(kaartnotities, "_PERSONAL_EXACT")
    assert not hasattr(kaartnotities, "_PERSONAL_PARTS")


def test_one_masker():
    from wijklib.vertellen import kaartnotities, records, responses

    assert not hasattr(records, "mask_personal_data")
    assert not hasattr(records, "privacy_hints")
    for module in (responses, kaartnotities, records):
        source = open(module.__file__, encoding="utf-8").read()
        assert "mask_personal" in source or "find_personal" in source


def test_a_number_in_brackets_keeps_the_sentence_readable():
    assert privacy.mask_personal("Bel (06 - 1234 5678) nu.")[0] == "Bel ([weggehaald]) nu."
    assert privacy.mask_personal("Bel (030) 123 4567.")[0] == "Bel [weggehaald]."


@pytest.mark.parametrize(("text", "kept"), [
    ("De Jan van Galenstraat is 's avonds druk.", "Jan van Galenstraat"),
    ("Bij het Anna van Burenplein staat een bankje.", "Anna van Burenplein"),
    ("Op de Willem van Noortsingel is het donker.", "Willem van Noortsingel"),
])
def test_a_street_named_after_a_person_is_not_a_name(text, kept):
    masked, found = privacy.mask_personal(text)
    assert kept in masked and found == []


@pytest.mark.parametrize("text", ["Jan van Dijk helpt mee.", "Piet van der Laan helpt mee.",
                                  "Els de Wal helpt mee."])
def test_a_surname_that_is_only_a_street_word_is_still_a_name(text):
    assert privacy.mask_personal(text)[0] == "[weggehaald] helpt mee."
