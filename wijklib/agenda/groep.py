"""Group mode: the saved agendas of many participants become one group result.

In a live session every participant votes and writes in their own notebook. The trainer
collects what they saved — the agenda file (``buurtagenda.json``) or the "download alles"
zip of notebook 3 — and :func:`combine` turns them into one group result:

* the dots per theme are **summed** (participants who gave weights instead of dots are
  named and not counted in the sum);
* conclusions of the group conversation and ambitions are listed with **how many
  participants wrote them** (the same text written twice counts once per participant);
* reflections are collected (without saying who wrote them);
* a group buurtagenda is made from all of it and exported like a personal one
  (:func:`save_group`), ordered by the summed vote.

Nothing is lost and nothing is guessed: a damaged file, a file of another gemeente or
buurt, and the same agenda uploaded twice are each left out with a Dutch reason
(:attr:`GroupResult.overgeslagen`), and the participants' files are only read, never
changed. Examples (``voorbeeld=True``) were never decisions and are not counted.

The files come from the command line (``python -m wijklib groep BESTANDEN… --uit MAP``),
from a notebook cell, or from a shared folder: ``WIJKLIB_GROEP`` (on a hub), else
``data/groep`` next to the export folder (:func:`group_folder`).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from wijklib.agenda import state as ag
from wijklib.errors import WijklibError
from wijklib.guarantees.rendering import render
from wijklib.guarantees.writing import atomic_write_text
from wijklib.notebook.session import file_stem

__all__ = [
    "GROUP_ENV",
    "GroupError",
    "GroupResult",
    "combine",
    "group_files",
    "group_folder",
    "hand_in",
    "shared_group_folder",
    "read_participant",
    "save_group",
    "summary_text",
]

#: Environment variable naming the shared folder with the participants' files (a hub).
GROUP_ENV = "WIJKLIB_GROEP"
#: Where a conclusion of the group conversation is kept in an agenda (see notebook 3).
CONVERSATION = "groepsgesprek"
#: A participant's file larger than this is not read (a saved agenda is a few 100 kB).
MAX_BYTES = 20 * 1024 * 1024
_SUFFIXES = (".json", ".zip")


class GroupError(WijklibError, ValueError):
    """No group result can be made (no usable files); the message says what to do."""


@dataclass
class GroupResult:
    """What :func:`combine` made of the participants' files.

    Attributes
    ----------
    agenda : Agenda
        The group buurtagenda: summed dots as priorities, every ambition and conclusion
        with how many participants wrote it, the krachten and stories of all.
    deelnemers : int
        Number of participants counted.
    bestanden : list of str
        The files that were counted (for the trainer; not in the documents).
    overgeslagen : list of (str, str)
        Files left out, each with the Dutch reason.
    stemmen : dict of str to int
        Summed dots per theme, most first.
    stemmers : dict of str to int
        Per theme: how many participants gave it at least one dot.
    conclusies : list of (str, int)
        Conclusions of the group conversation with the number of participants.
    ambities : list of (Ambitie, int)
        Ambitions with the number of participants who wrote them.
    reflecties : list of str
        The participants' reflections.
    zonder_stippen : int
        Participants who gave weights instead of dots (not in :attr:`stemmen`).
    """

    agenda: ag.Agenda
    deelnemers: int
    bestanden: list[str] = field(default_factory=list)
    overgeslagen: list[tuple[str, str]] = field(default_factory=list)
    stemmen: dict[str, int] = field(default_factory=dict)
    stemmers: dict[str, int] = field(default_factory=dict)
    conclusies: list[tuple[str, int]] = field(default_factory=list)
    ambities: list[tuple[ag.Ambitie, int]] = field(default_factory=list)
    reflecties: list[str] = field(default_factory=list)
    zonder_stippen: int = 0


# ----------------------------------------------------------------------- the files


def group_folder() -> Path:
    """The shared folder of the group: ``WIJKLIB_GROEP``, else ``groep`` in the data folder."""
    from wijklib.config import settings

    shared = shared_group_folder()
    return shared if shared is not None else settings().data_dir / "groep"


def shared_group_folder() -> Path | None:
    """The group folder set by the hub's admin (``WIJKLIB_GROEP``), or None without one."""
    own = os.environ.get(GROUP_ENV, "").strip()
    return Path(own).expanduser() if own else None


def hand_in(agenda: ag.Agenda, folder: str | Path | None = None) -> Path:
    """Hand in a participant's agenda: save it in the group folder under a name of its own.

    On a hub the whole group works on the same buurt, so the export's name
    (``buurtagenda-<buurt>.json``) would be the same for everyone. This name adds the
    participant: the hub's user name (``JUPYTERHUB_USER``), else the system's. Handing in
    again replaces one's own earlier file, never another participant's (in a shared folder
    with the sticky bit nobody may replace another's file anyway).

    Parameters
    ----------
    agenda : Agenda
    folder : str or Path, optional
        Default the group folder (:func:`group_folder`).

    Returns
    -------
    Path
        The file written (a state file that :func:`combine` reads).
    """
    target = Path(folder).expanduser() if folder is not None else group_folder()
    who = file_stem(os.environ.get("JUPYTERHUB_USER", "").strip() or getpass.getuser(),
                    "deelnemer")
    stem = file_stem(f"buurtagenda-{'-'.join(agenda.buurten) or agenda.gemeente}",
                     "buurtagenda")
    # replace=True: the file is this participant's own earlier hand-in. The group folder
    # is shared, so what is handed in holds no personal data.
    return ag.save_state(ag.public_copy(agenda)[0], target / f"{stem}-{who}.json",
                         replace=True)


def group_files(paths: Iterable[str | Path] | None = None) -> list[Path]:
    """The participants' files: the given files and folders, else the group folder.

    A folder stands for the ``.json`` and ``.zip`` files in it (not in subfolders; hidden
    files are skipped). A missing path is an error, so a typo is not silently ignored.

    Returns
    -------
    list of Path
        Sorted per folder, in the order given.
    """
    given = [Path(p).expanduser() for p in paths] if paths is not None else [group_folder()]
    files: list[Path] = []
    for path in given:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file()
                                and p.suffix.lower() in _SUFFIXES
                                and not p.name.startswith(".")))
        elif path.is_file():
            files.append(path)
        elif paths is None:
            return []  # no group folder yet: nothing collected
        else:
            raise GroupError(f"{path} bestaat niet. Controleer de naam van het bestand of de "
                             "map.")
    return files


def read_participant(path: str | Path) -> ag.Agenda:
    """One participant's agenda, from a state file or a "download alles" zip.

    Parameters
    ----------
    path : str or Path
        ``buurtagenda.json`` (any name) or a zip that holds one.

    Returns
    -------
    Agenda

    Raises
    ------
    wijklib.agenda.state.StateFileError
        The file is damaged, too large, not an agenda, or a zip without one (Dutch).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as err:
        raise ag.StateFileError(f"Ik kan {path.name} niet lezen ({err.strerror}).") from None
    if size > MAX_BYTES:
        raise ag.StateFileError(f"{path.name} is te groot voor een agenda "
                                f"({size // 1_000_000} MB).")
    if zipfile.is_zipfile(path):
        return _from_zip(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ag.StateFileError(f"{path.name} is geen tekstbestand en geen zip-bestand: geen "
                                "agenda van het werkboek.") from None
    return ag.read_state_text(text, path.name)


def _from_zip(path: Path) -> ag.Agenda:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()
                       and Path(m.filename).name.lower().startswith("buurtagenda")
                       and m.filename.lower().endswith(".json")]
            if not members:
                raise ag.StateFileError(
                    f"In {path.name} zit geen buurtagenda.json. Gebruik de zip uit notebook 3 "
                    "(Download alles) of het bestand buurtagenda.json zelf.")
            member = min(members, key=lambda m: (m.filename.count("/"), m.filename))
            if member.file_size > MAX_BYTES:
                raise ag.StateFileError(f"{member.filename} in {path.name} is te groot.")
            text = archive.read(member).decode("utf-8-sig")
    except (zipfile.BadZipFile, UnicodeDecodeError, OSError) as err:
        raise ag.StateFileError(f"{path.name} is een beschadigd zip-bestand ({err}).") from None
    return ag.read_state_text(text, f"{member.filename} in {path.name}")


# --------------------------------------------------------------------- combining


def _key(text: str) -> str:
    """The same words count as the same text: case, spaces and end punctuation aside."""
    return re.sub(r"[\s.!?…]+$", "", " ".join(str(text).split())).casefold()


def _fingerprint(agenda: ag.Agenda) -> str:
    data = json.dumps(ag.to_dict(agenda), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _most_common(values: list[str], given: str | None) -> str:
    """``given`` when set, else the value most files have (the first of a tie)."""
    if given is not None:
        return given
    return Counter(values).most_common(1)[0][0]


def combine(
    paths: Iterable[str | Path] | None = None,
    gemeente: str | None = None,
    buurt: str | None = None,
) -> GroupResult:
    """Combine the participants' saved agendas into one group result.

    Parameters
    ----------
    paths : files and folders, optional
        The participants' ``buurtagenda.json`` files or zips (see :func:`group_files`);
        default the group folder (:func:`group_folder`).
    gemeente, buurt : str, optional
        The gemeente and buurtcode of the group; default what most files have. Files of
        another gemeente or buurt are left out, with the reason.

    Returns
    -------
    GroupResult

    Raises
    ------
    GroupError
        When no file could be used (the message lists why).
    """
    files = group_files(paths)
    skipped: list[tuple[str, str]] = []
    read: list[tuple[Path, ag.Agenda]] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            agenda = read_participant(path)
        except WijklibError as err:
            skipped.append((str(path), str(err)))
            continue
        agenda = ag.public_copy(agenda)[0]  # one shared file: no personal data in it
        fingerprint = _fingerprint(agenda)
        if fingerprint in seen:
            skipped.append((str(path), f"precies dezelfde agenda als {seen[fingerprint]}; "
                                       "één keer geteld"))
            continue
        seen[fingerprint] = Path(path).name
        read.append((path, agenda))
    if not read:
        reasons = "".join(f"\n- {Path(p).name}: {r}" for p, r in skipped)
        raise GroupError("Ik vond geen bruikbare agenda's van deelnemers. Zet hun "
                         "buurtagenda.json of de zip uit notebook 3 in de map "
                         f"{group_folder()} (of noem de bestanden).{reasons}")
    place = _most_common([a.gemeente.strip().casefold() for _, a in read],
                         gemeente.strip().casefold() if gemeente else None)
    area = _most_common([",".join(a.buurten) for _, a in read
                         if a.gemeente.strip().casefold() == place] or [""], buurt)
    used: list[tuple[Path, ag.Agenda]] = []
    for path, agenda in read:
        if agenda.gemeente.strip().casefold() != place:
            skipped.append((str(path), f"gaat over de gemeente {agenda.gemeente}, de groep "
                                       f"over {_display(read, place)}"))
        elif ",".join(agenda.buurten) != area:
            skipped.append((str(path), "gaat over een andere buurt "
                                       f"({', '.join(agenda.buurt_labels()) or 'geen'})"))
        else:
            used.append((path, agenda))
    if not used:
        raise GroupError("Geen enkele agenda gaat over deze gemeente en buurt.")
    return _combined(used, skipped)


def _display(read: list[tuple[Path, ag.Agenda]], place: str) -> str:
    """The group's gemeente as the files write it (as given when no file has it)."""
    return next((a.gemeente for _, a in read if a.gemeente.strip().casefold() == place),
                place)


def _combined(used: list[tuple[Path, ag.Agenda]], skipped: list[tuple[str, str]]
              ) -> GroupResult:
    agendas = [a for _, a in used]
    n = len(agendas)
    votes: Counter[str] = Counter()
    voters: Counter[str] = Counter()
    weights_only = 0
    for agenda in agendas:
        if agenda.priorities and all(p.stemmen is None for p in agenda.priorities):
            weights_only += 1
            continue
        for p in agenda.priorities:
            if p.stemmen:
                votes[p.thema] += p.stemmen
                voters[p.thema] += 1

    conclusions: dict[str, tuple[ag.Onderbouwing, set[int]]] = {}
    stories: dict[str, ag.Onderbouwing] = {}
    ambitions: dict[tuple[str, str], tuple[ag.Ambitie, set[int]]] = {}
    krachten: dict[str, ag.Kracht] = {}
    reflections: list[str] = []
    for who, agenda in enumerate(agendas):
        for ev in agenda.verhalen:
            if str(ev.bron).startswith(CONVERSATION):
                entry = conclusions.setdefault(_key(ev.tekst), (ev, set()))
                entry[1].add(who)
            else:
                stories.setdefault(_key(ev.tekst), ev)
        for item in ag.decided_items(agenda):
            entry = ambitions.setdefault((_key(item.thema), _key(item.ambitie)),
                                         (item, set()))
            entry[1].add(who)
        for kracht in agenda.krachten:
            krachten.setdefault(_key(kracht.wat), kracht)
        text = " ".join(str(agenda.reflectie).split())
        if text:
            reflections.append(str(agenda.reflectie).strip())

    first = agendas[0]
    year = dt.date.today().year
    group = ag.Agenda(
        gemeente=first.gemeente, buurten=list(first.buurten),
        titel=(f"Buurtagenda van de groep: {', '.join(first.buurt_labels())}"
               if first.buurten else f"Buurtagenda van de groep: {first.gemeente}"),
        buurtnamen=dict(first.buurtnamen), enquete=first.enquete,
        priorities=ag.dot_vote(dict(votes.most_common())) if votes else [],
        krachten=list(krachten.values()),
    )
    listed_conclusions = sorted(((ev.tekst, len(who)) for ev, who in conclusions.values()),
                                key=lambda tn: -tn[1])
    for ev, who in sorted(conclusions.values(), key=lambda e: -len(e[1])):
        group.verhalen.append(replace(ev, bron=f"{CONVERSATION}, {_of(len(who), n)}"))
    group.verhalen.extend(stories.values())
    listed_ambitions = []
    for number, (item, who) in enumerate(sorted(ambitions.values(), key=lambda e: -len(e[1])),
                                         start=1):
        support = ag.Onderbouwing("overig", f"Geschreven door {_of(len(who), n)}",
                                  "groepsresultaat", year)
        mine = replace(item, id=f"groep-{number}", voorbeeld=False,
                       onderbouwing=[*item.onderbouwing, support])
        group.add(mine)
        listed_ambitions.append((mine, len(who)))
    return GroupResult(
        agenda=group, deelnemers=n, bestanden=[str(p) for p, _ in used], overgeslagen=skipped,
        stemmen=dict(votes.most_common()), stemmers=dict(voters),
        conclusies=listed_conclusions, ambities=listed_ambitions, reflecties=reflections,
        zonder_stippen=weights_only,
    )


def _of(k: int, n: int) -> str:
    """ "3 van de 20 deelnemers", "1 deelnemer" when alone."""
    if n == 1:
        return "1 deelnemer"
    return f"{k} van de {n} deelnemers"


# ----------------------------------------------------------------------- output


def summary_text(result: GroupResult) -> str:
    """A short Dutch report for the trainer (also printed by the command line)."""
    lines = [f"{result.deelnemers} deelnemers meegeteld."]
    if result.zonder_stippen:
        lines.append(f"{result.zonder_stippen} van hen gaven gewichten in plaats van stippen; "
                     "die tellen niet mee in de stippen.")
    if result.stemmen:
        lines.append("Stippen opgeteld: " + ", ".join(
            f"{thema} {ag.dots_text(n)}" for thema, n in result.stemmen.items()) + ".")
    lines.append(f"{len(result.ambities)} verschillende ambities, "
                 f"{len(result.conclusies)} conclusies van het gesprek, "
                 f"{len(result.reflecties)} reflecties.")
    for path, reason in result.overgeslagen:
        lines.append(f"Niet meegeteld: {Path(path).name}: {reason}")
    return "\n".join(lines)


def save_group(result: GroupResult, folder: str | Path, charts: bool = False
               ) -> dict[str, Path]:
    """Write the group result into ``folder``.

    Parameters
    ----------
    result : GroupResult
    folder : str or Path
        Created when missing. An earlier group agenda there is kept as a backup.
    charts : bool
        Embed the rings chart (there are no rings in a group result, so this is off).

    Returns
    -------
    dict
        ``html``, ``markdown`` and ``state`` of the group buurtagenda (as
        :func:`wijklib.agenda.export.save_export` writes them) and ``overzicht``: the
        Markdown overview with the summed dots and the counts (``groepsresultaat.md``).
    """
    from wijklib.agenda import export

    folder = Path(folder)
    paths = export.save_export(result.agenda, folder, name="buurtagenda-groep", charts=charts)
    overview = render(
        "groepsresultaat.md.j2",
        titel=result.agenda.titel, deelnemers=result.deelnemers,
        niet_meegeteld=len(result.overgeslagen),
        zonder_stippen=result.zonder_stippen,
        stemmen=[{"thema": t, "stippen": v, "deelnemers": result.stemmers.get(t, 0)}
                 for t, v in result.stemmen.items()],
        conclusies=[{"tekst": t, "keer": _of(k, result.deelnemers)}
                    for t, k in result.conclusies],
        ambities=[{"thema": a.thema, "ambitie": a.ambitie,
                   "keer": _of(k, result.deelnemers)} for a, k in result.ambities],
        reflecties=result.reflecties, gemaakt=dt.date.today().isoformat(),
    )
    paths["overzicht"] = atomic_write_text(folder / "groepsresultaat.md", overview)
    return paths
