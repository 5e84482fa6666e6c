"""Installing the map assets straight from an npm registry, without Node (notebook.installer).

A loopback registry serves tarballs that the tests build themselves: good ones, a corrupted
one, ones with unsafe members. The real installer code runs unchanged against it through
``WIJKLIB_NPM_REGISTRY``; npm is kept off PATH.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import socket
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.loopback import HttpError, LoopbackServer, Request, Response
from wijklib.notebook import installer, offline
from wijklib.notebook.offline import ASSETS, PACKAGES, AssetInstallError

ROOT = Path(__file__).resolve().parents[1]

#: Member builder: adds members to an open tar file.
Extra = Callable[[tarfile.TarFile], None]


def _add_file(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def package_files(name: str, version: str) -> dict[str, bytes]:
    """The files of a small stand-in for one npm package, with what wijklib needs."""
    files: dict[str, bytes] = {
        "package.json": json.dumps({"name": name, "version": version, "license": "MIT"}).encode(),
        "LICENSE": f"MIT licence of {name}\n".encode(),
        "README.md": b"not copied\n",
    }
    for asset in ASSETS:
        if asset.package != name:
            continue
        if asset.kind == "js":
            files[asset.file] = f"/* {name} {asset.file} */ window.x = 1;\n".encode()
        else:
            files[asset.file] = f"/* {name} */ .a {{ color: #000 }}\n".encode()
    for package in PACKAGES:
        if package.name == name:
            for extra in package.extra_files:
                files[extra] = b"\x89PNG fake image"
    if name == "@fortawesome/fontawesome-free":  # a CSS reference is followed
        files["css/all.min.css"] = b'@font-face{font-family:"F";src:url(../webfonts/f.woff2)}'
        files["webfonts/f.woff2"] = b"wOF2 fake font"
    return files


def build_tarball(name: str, version: str, extra: Extra | None = None) -> bytes:
    """Return an npm-style ``.tgz`` (members under ``package/``)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for rel, data in package_files(name, version).items():
            _add_file(tar, f"package/{rel}", data)
        if extra is not None:
            extra(tar)
    return buffer.getvalue()


def sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


class NpmRegistry(LoopbackServer):
    """A tiny npm registry: ``/<name>/<version>`` metadata and ``/-/<file>.tgz`` tarballs."""

    service_name = "npm"

    def __init__(self) -> None:
        super().__init__()
        self.tarballs: dict[str, bytes] = {}
        self.meta: dict[tuple[str, str], dict[str, object]] = {}

    def publish(
        self,
        name: str,
        version: str,
        *,
        extra: Extra | None = None,
        corrupt: bool = False,
        integrity: str | None = None,
        tarball_url: str | None = None,
    ) -> None:
        data = build_tarball(name, version, extra)
        file = f"{name.replace('/', '-')}-{version}.tgz"
        self.tarballs[file] = data[:-40] + bytes(40) if corrupt else data
        self.meta[(name, version)] = {
            "name": name,
            "version": version,
            "dist": {
                "tarball": tarball_url or f"{self.url}/-/{file}",
                "integrity": sri(data) if integrity is None else integrity,
            },
        }

    def publish_all(self, **special: dict[str, object]) -> None:
        for package in PACKAGES:
            self.publish(package.name, package.version, **special.get(package.name, {}))

    def handle(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/-/"):
            data = self.tarballs.get(path[3:])
            if data is None:
                raise HttpError(404, "no such tarball")
            return Response(200, data, "application/octet-stream")
        name, _, version = path.lstrip("/").rpartition("/")
        meta = self.meta.get((name, version))
        if meta is None:
            raise HttpError(404, f"no such package {name}@{version}")
        return Response.json(meta)


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[NpmRegistry]:
    with NpmRegistry() as server:
        monkeypatch.setenv(installer.REGISTRY_ENV_VAR, server.url)
        monkeypatch.setenv("PATH", "")  # no npm, no node
        yield server


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- a good install ---------------------------------------------------------------------


def test_installs_from_the_registry_without_npm(registry: NpmRegistry, tmp_path: Path) -> None:
    registry.publish_all()
    root = installer.install_assets(tmp_path / "assets")
    assert offline.assets_installed(root)
    manifest = json.loads((root / "manifest.json").read_text("utf-8"))
    assert manifest["source"] == registry.url
    for package in PACKAGES:
        summary = next(p for p in manifest["packages"] if p["package"] == package.name)
        assert summary["version"] == package.version
        assert summary["integrity"].startswith("sha512-")
        assert summary["licence"] == "MIT"
    # the files are the tarballs' bytes, and only the needed ones are copied
    expected = package_files("leaflet", "1.9.3")
    assert (root / "leaflet/dist/leaflet.js").read_bytes() == expected["dist/leaflet.js"]
    assert (root / "@fortawesome/fontawesome-free/webfonts/f.woff2").is_file()
    assert not (root / "leaflet/README.md").exists()
    assert not (root / "leaflet/package.json").exists()
    assert leftovers(tmp_path) == ["assets"]
    # the tarballs were fetched from the registry, one metadata call per package
    assert sum(1 for r in registry.requests if r.startswith("/-/")) == len(PACKAGES)


def test_scoped_package_name_is_sent_encoded(registry: NpmRegistry, tmp_path: Path) -> None:
    registry.publish_all()
    installer.install_assets(tmp_path / "assets")
    assert "/@fortawesome/fontawesome-free/6.2.0" in registry.requests


def test_command_line_works_without_npm(registry: NpmRegistry, tmp_path: Path) -> None:
    registry.publish_all()
    env = {**os.environ, "PATH": "", "PYTHONPATH": str(ROOT)}
    prefix = tmp_path / "omgeving"
    proc = subprocess.run(
        [sys.executable, "-m", "wijklib.assets", "--dest", str(tmp_path / "a"),
         "--jupyter-prefix", str(prefix)],
        capture_output=True, text=True, env=env, check=False, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("Klaar:")
    assert offline.assets_installed(tmp_path / "a")
    # the same set-up command makes JupyterLab Dutch and quiet
    overrides = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert json.loads(overrides.read_text("utf-8")) == installer.LAB_OVERRIDES
    assert lines[1].startswith("JupyterLab is in het Nederlands")


# --- attacks: what a bad registry or a bad network can do --------------------------------


def test_corrupted_tarball_is_refused(registry: NpmRegistry, tmp_path: Path) -> None:
    registry.publish_all(jquery={"corrupt": True})
    with pytest.raises(AssetInstallError) as info:
        installer.install_assets(tmp_path / "assets")
    message = str(info.value)
    assert "jquery" in message and "beschadigd" in message and "sha512" in message
    assert "niets geïnstalleerd" in message
    assert leftovers(tmp_path) == []  # no half installation, no temporary folder


def test_corrupted_tarball_keeps_the_old_installation(
    registry: NpmRegistry, tmp_path: Path
) -> None:
    registry.publish_all()
    root = installer.install_assets(tmp_path / "assets")
    before = (root / "manifest.json").read_bytes()
    registry.publish_all(leaflet={"corrupt": True})
    with pytest.raises(AssetInstallError, match="beschadigd"):
        installer.install_assets(root, force=True)
    assert (root / "manifest.json").read_bytes() == before
    assert offline.assets_installed(root)


def _traversal(tar: tarfile.TarFile) -> None:
    _add_file(tar, "package/../../ontsnapt.txt", b"buiten de map")


def _absolute(tar: tarfile.TarFile) -> None:
    _add_file(tar, "/tmp/wijklib-absoluut.txt", b"absoluut")


def _symlink(tar: tarfile.TarFile) -> None:
    info = tarfile.TarInfo("package/dist/link.js")
    info.type = tarfile.SYMTYPE
    info.linkname = "/etc/passwd"
    tar.addfile(info)


def _hardlink(tar: tarfile.TarFile) -> None:
    info = tarfile.TarInfo("package/dist/hard.js")
    info.type = tarfile.LNKTYPE
    info.linkname = "../../../etc/passwd"
    tar.addfile(info)


def _backslash(tar: tarfile.TarFile) -> None:
    _add_file(tar, "package\\..\\..\\ontsnapt.txt", b"windows-pad")


@pytest.mark.parametrize("extra", [_traversal, _absolute, _symlink, _hardlink, _backslash])
def test_unsafe_members_are_refused(
    registry: NpmRegistry, tmp_path: Path, extra: Extra
) -> None:
    work = tmp_path / "werk" / "diep"
    work.mkdir(parents=True)
    registry.publish_all(leaflet={"extra": extra})
    with pytest.raises(AssetInstallError) as info:
        installer.install_assets(work / "assets")
    message = str(info.value)
    assert "leaflet" in message and "onveilig" in message and "niets geïnstalleerd" in message
    assert leftovers(work) == []
    assert not any(tmp_path.rglob("ontsnapt.txt"))
    assert not Path("/tmp/wijklib-absoluut.txt").exists()


def test_unsafe_tarball_writes_nothing_at_all(tmp_path: Path) -> None:
    data = build_tarball("leaflet", "1.9.3", _traversal)
    dest = tmp_path / "a" / "b"
    dest.mkdir(parents=True)
    with pytest.raises(AssetInstallError, match="onveilig"):
        installer.unpack_tarball(data, dest, "leaflet")
    assert leftovers(dest) == []  # every member is checked before the first is written


def test_missing_sha512_is_refused(registry: NpmRegistry, tmp_path: Path) -> None:
    registry.publish_all(bootstrap={"integrity": "sha1-AAAA"})
    with pytest.raises(AssetInstallError, match="geen sha512-controlecode"):
        installer.install_assets(tmp_path / "assets")
    assert leftovers(tmp_path) == []


def test_plain_http_tarball_elsewhere_is_refused(registry: NpmRegistry, tmp_path: Path) -> None:
    registry.publish_all(
        jquery={"tarball_url": "http://elders.example/jquery-3.7.1.tgz"}
    )
    with pytest.raises(AssetInstallError, match="niet beveiligd"):
        installer.install_assets(tmp_path / "assets")


def test_metadata_of_another_package_is_refused(registry: NpmRegistry, tmp_path: Path) -> None:
    registry.publish_all()
    registry.meta[("jquery", "3.7.1")]["version"] = "3.7.2"
    with pytest.raises(AssetInstallError, match="ander pakket"):
        installer.install_assets(tmp_path / "assets")


def test_tarball_with_another_version_is_refused(registry: NpmRegistry, tmp_path: Path) -> None:
    registry.publish_all()
    data = build_tarball("leaflet", "1.9.4")
    registry.tarballs["leaflet-1.9.3.tgz"] = data
    registry.meta[("leaflet", "1.9.3")]["dist"]["integrity"] = sri(data)  # type: ignore[index]
    with pytest.raises(AssetInstallError, match="versie 1.9.3 is nodig"):
        installer.install_assets(tmp_path / "assets")


def test_not_a_tarball_is_refused(registry: NpmRegistry, tmp_path: Path) -> None:
    registry.publish_all()
    registry.tarballs["leaflet-1.9.3.tgz"] = b"<html>captive portal</html>"
    registry.meta[("leaflet", "1.9.3")]["dist"]["integrity"] = sri(  # type: ignore[index]
        b"<html>captive portal</html>"
    )
    with pytest.raises(AssetInstallError, match="geen geldig npm-pakket"):
        installer.install_assets(tmp_path / "assets")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_registry_gives_cross_platform_advice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(installer.REGISTRY_ENV_VAR, f"http://127.0.0.1:{_closed_port()}")
    env = {**os.environ, "PATH": "", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "wijklib.assets", "--dest", str(tmp_path / "a"),
         "--jupyter-prefix", str(tmp_path / "a")],
        capture_output=True, text=True, env=env, check=False, cwd=tmp_path,
    )
    assert proc.returncode == 1
    err = proc.stderr
    assert "niet bereikbaar" in err
    assert "python -m wijklib.assets" in err and "py -m wijklib.assets" in err  # Windows too
    assert "HTTPS_PROXY" in err and installer.REGISTRY_ENV_VAR in err
    assert "apt-get" not in err  # no Linux-only advice
    assert "Traceback" not in err
    assert leftovers(tmp_path) == []


def test_npm_is_optional_and_its_absence_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(AssetInstallError) as info:
        installer.install_assets(tmp_path / "assets", use_npm=True)
    assert "npm is niet gevonden" in str(info.value)
    assert "python -m wijklib.assets" in str(info.value)
    assert leftovers(tmp_path) == []


def test_default_registry_is_the_public_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(installer.REGISTRY_ENV_VAR, raising=False)
    assert installer.registry_url() == "https://registry.npmjs.org"
    monkeypatch.setenv(installer.REGISTRY_ENV_VAR, "https://spiegel.example/npm/")
    assert installer.registry_url() == "https://spiegel.example/npm"


# --- one package outside the assets folder (a test tool such as axe-core) ----------------


def test_fetch_package_unpacks_one_checked_package(registry: NpmRegistry, tmp_path: Path) -> None:
    registry.publish("axe-core", "4.10.3",
                     extra=lambda tar: _add_file(tar, "package/axe.min.js", b"window.axe = {};"))
    folder = installer.fetch_package("axe-core", "4.10.3", tmp_path / "cache")
    assert (folder / "axe.min.js").read_bytes() == b"window.axe = {};"
    assert folder.parent == tmp_path / "cache"


def test_fetch_package_refuses_a_corrupted_tarball(registry: NpmRegistry, tmp_path: Path) -> None:
    registry.publish("axe-core", "4.10.3", corrupt=True)
    with pytest.raises(AssetInstallError, match="sha512"):
        installer.fetch_package("axe-core", "4.10.3", tmp_path / "cache")
