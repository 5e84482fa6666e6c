"""The workbook on a real JupyterHub with three system users (issue #13).

An admin (``wkbeheer``) and two participants (``wkdeeln1``, ``wkdeeln2``) in one group
(``wkgroep``). The hub runs the documented ``docs/jupyterhub/jupyterhub_config.py``
(through ``tests/jupyterhub_test_config.py``) with JupyterHub's LocalProcessSpawner, so
each server and kernel runs as its own system user and file permissions really count.
Everything a user does goes through the hub: its REST API starts the servers, and code
runs in each user's own kernel over the kernel websocket (see ``tests/hub.py``).

Needs root (to make system users and to let the hub start servers as them) and the proxy
from ``make hub-proxy``. The shared folder is laid out as ``docs/jupyterhub.md`` tells an
admin: ``cache/`` only the admin writes (``2755``), ``groep/`` the group writes, sticky
(``3770``).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hub import ROOT, Hub, SystemUsers, open_for_others, restore_modes, start_hub

pytestmark = pytest.mark.hub

ADMIN = "wkbeheer"
PARTICIPANTS = ("wkdeeln1", "wkdeeln2")
GROUP = "wkgroep"
NOTEBOOK_3 = ROOT / "notebooks" / "03_tellen_en_vertellen_buurtagenda.ipynb"
#: Each participant's dots (the group result must hold their sum).
DOTS = {"wkdeeln1": {"wonen": 3, "veiligheid": 2}, "wkdeeln2": {"wonen": 1, "sociaal": 4}}


@dataclass
class HubSession:
    hub: Hub
    shared: Path
    users: SystemUsers

    def home(self, user: str) -> Path:
        return self.users.base / "home" / user


def _need_root() -> None:
    if os.geteuid() != 0:
        pytest.fail(
            "De JupyterHub-test maakt echte systeemgebruikers aan en heeft daarom root "
            "nodig. Draai hem als root, bijvoorbeeld: sudo .venv/bin/python -m pytest "
            "tests/test_jupyterhub.py (of via `make test` als root, zoals .ci/run doet).",
            pytrace=False,
        )
    for tool in ("useradd", "userdel", "groupadd", "groupdel"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} ontbreekt. Installeer het met: apt-get install passwd",
                        pytrace=False)


@pytest.fixture(scope="module")
def hub_session() -> Iterator[HubSession]:
    """The hub with three users, their servers started, and the shared folder."""
    _need_root()
    base = Path(tempfile.mkdtemp(prefix="wijklib-hub-", dir="/tmp"))
    base.chmod(0o755)
    users = SystemUsers(base=base, group=GROUP, names=[ADMIN, *PARTICIPANTS])
    opened: list[tuple[Path, int]] = []
    hub: Hub | None = None
    try:
        users.create()
        # The shared folder, as docs/jupyterhub.md tells the admin to make it.
        shared = base / "srv" / "wijkprofiel"
        shared.mkdir(parents=True)
        shared.chmod(0o755)
        for name, mode in (("cache", "2755"), ("groep", "3770")):
            subprocess.run(["install", "-d", "-o", ADMIN, "-g", GROUP, "-m", mode,
                            str(shared / name)], check=True)
        # The users must reach this checkout, its venv and the Python the venv links to.
        opened = open_for_others([Path(sys.prefix), ROOT, Path(sys.base_prefix),
                                  Path(sys.executable).resolve().parent])
        hub = start_hub(base / "hub-state", shared, users=[ADMIN, *PARTICIPANTS],
                        admin=ADMIN, group=GROUP, pythonpath=str(ROOT))
        hub.start_servers([ADMIN, *PARTICIPANTS])
        yield HubSession(hub=hub, shared=shared, users=users)
    finally:
        if hub is not None:
            hub.stop()
        users.remove()
        restore_modes(opened)
        shutil.rmtree(base, ignore_errors=True)


PARTICIPANT_READS = """
import os, warnings
from pathlib import Path
import wijklib
from wijklib.data import cache as wijklib_cache
shared = Path({shared!r})
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    figures = wijklib.kerncijfers("Utrecht")
    areas = wijklib.gebieden("Utrecht", jaar=int(figures.attrs["year"]), codes=figures["code"])
try:
    (shared / "mag-ik-schrijven.txt").write_text("nee")
    writable = True
except PermissionError:
    writable = False
result({{"uid": os.getuid(), "user": os.environ.get("JUPYTERHUB_USER"),
        "cbs_url": os.environ["WIJKLIB_CBS_URL"],
        "caches": [str(p) for p in wijklib_cache.cache_dirs()],
        "codes": sorted(figures["code"]), "areas": sorted(areas["code"]),
        "year": int(figures.attrs["year"]), "columns": len(figures.columns),
        "warnings": [f"{{w.category.__name__}}: {{w.message}}" for w in caught],
        "writable": writable}})
"""

PARTICIPANT_DOWNLOADS = """
import os, warnings
import wijklib
os.environ.update(WIJKLIB_CBS_URL={cbs!r}, WIJKLIB_PDOK_URL={pdok!r})  # online now
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    figures = wijklib.kerncijfers("Amersfoort", niveau="wijk")  # not prefetched by the admin
result({{"codes": sorted(figures["code"]), "gemeente": figures.attrs.get("gemeente"),
         "warnings": [f"{{w.category.__name__}}: {{w.message}}" for w in caught]}})
"""


def test_participants_read_the_cache_the_admin_filled_offline(
    hub_session: HubSession, cbs_server, pdok_server, politie_server
) -> None:
    hub, shared = hub_session.hub, hub_session.shared
    # The admin fills the shared cache while the (loopback) CBS and PDOK are reachable.
    download = hub.run(ADMIN, f"""
import os, subprocess, sys
env = dict(os.environ, WIJKLIB_CBS_URL={cbs_server.url!r}, WIJKLIB_PDOK_URL={pdok_server.url!r},
           WIJKLIB_POLITIE_URL={politie_server.url!r}, WIJKLIB_CACHE={str(shared / "cache")!r})
done = subprocess.run([sys.executable, "-m", "wijklib", "download", "--gemeente", "Utrecht",
                       "--stil"], env=env, capture_output=True, text=True)
result({{"code": done.returncode, "out": done.stdout, "err": done.stderr,
         "uid": os.getuid()}})
""")
    assert download["code"] == 0, download
    assert download["uid"] == hub_session.users.uid(ADMIN)
    assert cbs_server.requests and pdok_server.requests
    files = [p for p in (shared / "cache").rglob("*") if p.is_file()]
    assert files
    for path in files:  # the admin's files, readable for the group, writable only by him
        mode = path.stat().st_mode
        assert path.stat().st_uid == hub_session.users.uid(ADMIN)
        assert mode & stat.S_IROTH and not mode & (stat.S_IWGRP | stat.S_IWOTH), path

    reads = PARTICIPANT_READS.format(shared=str(shared / "cache"))
    admin_view = hub.run(ADMIN, reads)
    # A session more than a week after the prefetch: the CBS table list is out of date, so
    # wijklib asks CBS again; offline it must still use the shared copy, online keep the
    # new list in the participant's own cache.
    catalogue = shared / "cache" / "cbs" / "tabellen.json.meta.json"
    meta = json.loads(catalogue.read_text("utf-8"))
    meta["stored_at"] = "2000-01-01T00:00:00+0000"
    catalogue.write_text(json.dumps(meta), "utf-8")  # in place: owner and mode stay
    cbs_server.clear_requests()
    pdok_server.clear_requests()
    for user in PARTICIPANTS:
        seen = hub.run(user, reads)
        assert seen["uid"] == hub_session.users.uid(user) and seen["user"] == user
        assert seen["cbs_url"] != cbs_server.url  # offline: a dead port
        own = hub_session.home(user) / "wijkprofiel" / "cache"
        assert seen["caches"] == [str(own), str(shared / "cache")]
        assert seen["writable"] is False
        assert seen["warnings"] == []  # no permission trouble, no "not kept" warning
        for key in ("codes", "areas", "year", "columns"):
            assert seen[key] == admin_view[key], key
        assert seen["codes"] and seen["areas"] == seen["codes"]
    assert cbs_server.requests == [] and pdok_server.requests == []

    # Online again, a participant downloads what the admin did not prefetch: it is kept in
    # their own cache, with no warning, and the shared cache stays as the admin left it.
    before = {p: p.stat().st_mtime_ns for p in (shared / "cache").rglob("*")}
    user = PARTICIPANTS[0]
    fetched = hub.run(user, PARTICIPANT_DOWNLOADS.format(cbs=cbs_server.url,
                                                         pdok=pdok_server.url))
    assert fetched["warnings"] == [] and fetched["codes"]
    assert cbs_server.requests
    assert {p: p.stat().st_mtime_ns for p in (shared / "cache").rglob("*")} == before
    own = hub_session.home(user) / "wijkprofiel" / "cache"
    kept = list(own.rglob("*.meta.json"))
    assert kept and all(p.stat().st_uid == hub_session.users.uid(user) for p in kept)
    assert (own / "cbs" / "tabellen.json.meta.json") in kept  # the renewed table list


EXPORT = """
import os
from pathlib import Path
from wijklib.agenda import export, state as ag
from wijklib.notebook import resultaten, session
agenda = ag.new_agenda("Utrecht", ["BU03440311"])
agenda.priorities = ag.dot_vote({dots!r})
folder = session.export_dir()
paths = export.save_export(agenda, folder, charts=False)
bundle = resultaten.bundle(list(paths.values()), folder / "alles.zip")
result({{"folder": str(folder), "files": [str(p) for p in [*paths.values(), bundle]]}})
"""

TRY_OTHERS = """
import os
from pathlib import Path
tries = {{}}
for path in {files!r}:
    try:
        Path(path).read_bytes()
        tries[path + " lezen"] = "gelukt"
    except PermissionError:
        tries[path + " lezen"] = "geweigerd"
for name, attempt in (("map lezen", lambda: os.listdir({folder!r})),
                      ("schrijven", lambda: Path({folder!r}, {probe!r}).write_text("x"))):
    try:
        attempt()
        tries[name] = "gelukt"
    except PermissionError:
        tries[name] = "geweigerd"
result(tries)
"""


def test_each_participant_exports_into_a_folder_the_other_cannot_open(
    hub_session: HubSession,
) -> None:
    hub = hub_session.hub
    made = {user: hub.run(user, EXPORT.format(dots=DOTS[user])) for user in PARTICIPANTS}
    for user, other in (PARTICIPANTS, PARTICIPANTS[::-1]):
        folder = Path(made[user]["folder"])
        assert folder.is_relative_to(hub_session.home(user))
        for path in map(Path, made[user]["files"]):
            assert path.parent == folder and path.stat().st_uid == hub_session.users.uid(user)
        own = hub.run(user, TRY_OTHERS.format(files=made[user]["files"],
                                              folder=made[user]["folder"], probe="eigen.txt"))
        assert set(own.values()) == {"gelukt"}, own
        theirs = hub.run(other, TRY_OTHERS.format(files=made[user]["files"],
                                                  folder=made[user]["folder"], probe="ander.txt"))
        assert set(theirs.values()) == {"geweigerd"}, theirs
        assert not (folder / "ander.txt").exists()


HAND_IN = """
from wijklib.agenda import state as ag
agenda = ag.new_agenda("Utrecht", ["BU03440311"])
agenda.priorities = ag.dot_vote({dots!r})
{cell}
result(str(ingeleverd))
"""


def hand_in_cell() -> str:
    """Notebook 3's cell with which a participant hands in the agenda (``agenda``)."""
    notebook = json.loads(NOTEBOOK_3.read_text("utf-8"))
    cells = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    found = [c for c in cells if "groep.hand_in(agenda)" in c]
    assert len(found) == 1
    return found[0]

GROUP_MODE = """
import json, os, subprocess, sys
from pathlib import Path
from wijklib.agenda import state as ag
from wijklib.config import settings
out = settings().export_dir / "groep"
done = subprocess.run([sys.executable, "-m", "wijklib", "groep", "--uit", str(out)],
                      capture_output=True, text=True)
saved = out / "buurtagenda-groep.json"
agenda = ag.load_state(saved) if saved.exists() else None
result({"code": done.returncode, "out": done.stdout, "err": done.stderr,
        "dots": {p.thema: p.stemmen for p in agenda.priorities} if agenda else None})
"""


def test_the_admin_sums_the_dots_the_participants_handed_in_from_notebook_3(
    hub_session: HubSession,
) -> None:
    hub, groep = hub_session.hub, hub_session.shared / "groep"
    for user in PARTICIPANTS:
        path = Path(hub.run(user, HAND_IN.format(dots=DOTS[user], cell=hand_in_cell())))
        assert path.parent == groep and path.stat().st_uid == hub_session.users.uid(user)
    assert len(list(groep.glob("*.json"))) == len(PARTICIPANTS)
    summed = hub.run(ADMIN, GROUP_MODE)
    assert summed["code"] == 0, summed
    expected: Counter[str] = Counter()
    for dots in DOTS.values():
        expected.update(dots)
    assert summed["dots"] == dict(expected), summed
