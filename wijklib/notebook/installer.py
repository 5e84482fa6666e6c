"""Install the map assets (Leaflet, jQuery, Bootstrap …) from the npm registry, without Node.

For each package in :data:`wijklib.notebook.offline.PACKAGES` the registry's metadata
(``<registry>/<name>/<version>``) gives the tarball address (``dist.tarball``) and its
Subresource Integrity hash (``dist.integrity``, sha512). The tarball is downloaded over
HTTPS, checked against that hash, and unpacked with :mod:`tarfile` after every member has
been checked (no absolute paths, no ``..``, no links or devices). Only the files folium
needs are copied into the assets folder (``$WIJKLIB_ASSETS`` or ``wijklib/_assets``),
together with a ``manifest.json`` (package, version, file, sha256, licence).

npm is optional: ``install_assets(use_npm=True)`` (``--npm`` on the command line) lets npm
do the fetching instead, for a computer that has npm set up with its own mirror.

The same command also writes JupyterLab's settings overrides
(``<prefix>/share/jupyter/lab/settings/overrides.json``, see :func:`install_lab_settings`):
Dutch menus (with ``jupyterlab-language-pack-nl-NL`` from the ``lab`` extra) and no news or
update pop-up.

Commands: ``python -m wijklib.assets`` (also in an installed package), ``make assets`` or
``python tools/install_assets.py`` in a checkout. The runtime side that reads the assets
folder is :mod:`wijklib.notebook.offline`. Nothing happens at import time.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import posixpath
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from wijklib.notebook.offline import (
    ASSETS,
    FORMAT,
    GENERATED,
    INSTALL_COMMAND,
    MANIFEST_NAME,
    PACKAGES,
    AssetInstallError,
    Package,
    assets_dir,
    assets_installed,
    css_references,
    generated_files,
    local_path,
    manifest_problem,
    read_manifest,
    sha256_of,
    spec_fingerprint,
)

__all__ = [
    "DEFAULT_REGISTRY",
    "LAB_OVERRIDES",
    "REGISTRY_ENV_VAR",
    "fetch_package",
    "install_assets",
    "install_lab_settings",
    "lab_settings_file",
    "main",
    "registry_url",
]

#: Environment variable with the address of the npm registry (a mirror, or a test server).
REGISTRY_ENV_VAR = "WIJKLIB_NPM_REGISTRY"
#: The public npm registry.
DEFAULT_REGISTRY = "https://registry.npmjs.org"

_NPM_TIMEOUT_S = 900
_HTTP_TIMEOUT_S = 60.0
#: Upper bounds for one package: the largest (Font Awesome) is about 7 MB packed, 20 MB unpacked.
_MAX_TARBALL_BYTES = 100 * 1024 * 1024
_MAX_UNPACKED_BYTES = 400 * 1024 * 1024
_MAX_MEMBERS = 20_000

_LICENCE_FILES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "license")

_RETRY_HINT = (
    f"Probeer het opnieuw met `{INSTALL_COMMAND}` (Windows: `py -m wijklib.assets`). De "
    "kaarten werken intussen ook zonder deze bestanden, zolang je internet hebt."
)


def registry_url() -> str:
    """Return the npm registry address: ``$WIJKLIB_NPM_REGISTRY`` or the public registry.

    Returns
    -------
    str
        Base URL without a trailing slash.
    """
    return (os.environ.get(REGISTRY_ENV_VAR, "").strip() or DEFAULT_REGISTRY).rstrip("/")


# ---------------------------------------------------------------------------
# Fetching from the registry over HTTPS
# ---------------------------------------------------------------------------


def _get(url: str, what: str, limit: int) -> bytes:
    """Download ``url`` (at most ``limit`` bytes) or raise a Dutch AssetInstallError."""
    import requests  # lazily: no work at import time

    try:
        with requests.get(url, timeout=_HTTP_TIMEOUT_S, stream=True) as response:
            if response.status_code != 200:
                raise AssetInstallError(
                    f"Het npm-register gaf foutcode {response.status_code} bij {what} "
                    f"({url}). {_RETRY_HINT}"
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_content(chunk_size=1 << 16):
                size += len(chunk)
                if size > limit:
                    raise AssetInstallError(
                        f"{what} is groter dan {limit // (1024 * 1024)} MB ({url}). Dat klopt "
                        "niet; er is niets geïnstalleerd."
                    )
                chunks.append(chunk)
            return b"".join(chunks)
    except requests.RequestException as exc:
        raise AssetInstallError(
            f"Het npm-register ({registry_url()}) is niet bereikbaar: {exc}. Controleer je "
            "internetverbinding. Werk je achter een proxy, zet dan de omgevingsvariabele "
            "HTTPS_PROXY; heeft je organisatie een eigen npm-spiegel, zet dan "
            f"{REGISTRY_ENV_VAR} op het adres daarvan. {_RETRY_HINT}"
        ) from exc


def _metadata(package: Package, registry: str) -> dict[str, Any]:
    """Return the registry's metadata of one exact package version."""
    url = f"{registry}/{quote(package.name, safe='@')}/{quote(package.version)}"
    what = f"de gegevens van {package.name} {package.version}"
    raw = _get(url, what, 5 * 1024 * 1024)
    try:
        meta = json.loads(raw)
    except ValueError as exc:
        raise AssetInstallError(
            f"Het npm-register gaf geen leesbare gegevens voor {package.name} ({url})."
        ) from exc
    if (
        not isinstance(meta, dict)
        or meta.get("name") != package.name
        or meta.get("version") != package.version
    ):
        raise AssetInstallError(
            f"Het npm-register gaf de gegevens van een ander pakket dan {package.name} "
            f"{package.version} ({url}). Er is niets geïnstalleerd."
        )
    return meta


def _check_tarball_url(url: object, package: Package, registry: str) -> str:
    """Accept only an HTTPS tarball address, or one on the registry's own server."""
    if not isinstance(url, str) or not url:
        raise AssetInstallError(
            f"Het npm-register noemt geen downloadadres voor {package.name}."
        )
    parts, home = urlsplit(url), urlsplit(registry)
    same_server = (parts.scheme, parts.netloc) == (home.scheme, home.netloc)
    if parts.scheme != "https" and not same_server:
        raise AssetInstallError(
            f"Het downloadadres van {package.name} ({url}) is niet beveiligd (geen https) en "
            "staat niet op de server van het npm-register. Er is niets geïnstalleerd."
        )
    return url


def verify_integrity(data: bytes, integrity: object, package: str) -> None:
    """Check downloaded bytes against an npm ``dist.integrity`` (sha512) value.

    Parameters
    ----------
    data : bytes
        The downloaded tarball.
    integrity : object
        The registry's Subresource Integrity string, e.g. ``"sha512-…"``; several
        space-separated hashes are allowed, at least one must be sha512.
    package : str
        Package name, for the message.

    Raises
    ------
    AssetInstallError
        When there is no sha512 hash, or none matches (message in Dutch).
    """
    expected = []
    if isinstance(integrity, str):
        for token in integrity.split():
            algorithm, _, digest = token.partition("-")
            if algorithm == "sha512" and digest:
                expected.append(digest.split("?", 1)[0])
    if not expected:
        raise AssetInstallError(
            f"Het npm-register geeft voor {package} geen sha512-controlecode. Zonder die code "
            "kan niet worden gecontroleerd of het pakket klopt; er is niets geïnstalleerd."
        )
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if actual not in expected:
        raise AssetInstallError(
            f"Het pakket {package} is beschadigd of veranderd: de controlecode (sha512) klopt "
            f"niet met die van het npm-register. Er is niets geïnstalleerd. {_RETRY_HINT} "
            "Gebeurt dit steeds, meld het dan aan de trainer of de beheerder."
        )


def _member_path(member: tarfile.TarInfo, package: str) -> str | None:
    """Return the package-relative path of a safe tar member (None for the top folder).

    npm tarballs hold one top-level folder (usually ``package/``) that is stripped.
    """
    name = member.name.replace("\\", "/")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    unsafe = (
        name.startswith("/")
        or (len(name) > 1 and name[1] == ":")  # a Windows drive letter
        or ".." in parts
        or not (member.isfile() or member.isdir())  # links, devices, fifos
    )
    if unsafe:
        raise AssetInstallError(
            f"Het pakket {package} bevat een onveilig bestand ({member.name!r}): een pad "
            "buiten de pakketmap, of een snelkoppeling. Er is niets geïnstalleerd. "
            "Meld dit aan de trainer of de beheerder."
        )
    if len(parts) <= 1:
        return None
    return posixpath.join(*parts[1:])


def unpack_tarball(data: bytes, dest: Path, package: str) -> Path:
    """Unpack an npm tarball into ``dest`` after checking every member.

    Parameters
    ----------
    data : bytes
        The (integrity-checked) ``.tgz`` file.
    dest : Path
        Empty folder to unpack into; the top-level folder of the tarball is stripped.
    package : str
        Package name, for messages.

    Returns
    -------
    Path
        ``dest``.

    Raises
    ------
    AssetInstallError
        When the tarball cannot be read, or holds an unsafe member (absolute path, ``..``,
        link or device) — then nothing is unpacked.
    """
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
            members = tar.getmembers()
            if len(members) > _MAX_MEMBERS:
                raise AssetInstallError(f"Het pakket {package} bevat te veel bestanden.")
            plan = [(m, _member_path(m, package)) for m in members]  # check all first
            if sum(m.size for m, _ in plan if m.isfile()) > _MAX_UNPACKED_BYTES:
                raise AssetInstallError(f"Het pakket {package} is uitgepakt te groot.")
            for member, rel in plan:
                if rel is None or not member.isfile():
                    continue
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                if source is None:  # pragma: no cover - isfile() members always have data
                    continue
                with source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise AssetInstallError(
            f"Het pakket {package} is geen geldig npm-pakket ({exc}). Er is niets "
            f"geïnstalleerd. {_RETRY_HINT}"
        ) from exc
    return dest


def _fetch_package(package: Package, registry: str, workdir: Path) -> tuple[Path, dict[str, Any]]:
    """Download, check and unpack one package; return its folder and registry facts."""
    meta = _metadata(package, registry)
    dist = meta.get("dist") if isinstance(meta.get("dist"), dict) else {}
    url = _check_tarball_url(dist.get("tarball"), package, registry)
    data = _get(url, f"het pakket {package.name}", _MAX_TARBALL_BYTES)
    verify_integrity(data, dist.get("integrity"), package.name)
    folder = workdir / package.name.replace("/", "__")
    folder.mkdir(parents=True)
    unpack_tarball(data, folder, package.name)
    return folder, {"tarball": url, "integrity": dist.get("integrity")}


def fetch_package(name: str, version: str, dest: Path | str,
                  registry: str | None = None) -> Path:
    """Download one npm package over HTTPS, check its sha512 integrity and unpack it.

    The same path as the map assets take (:func:`install_assets`), for one package
    outside the assets folder, e.g. a test tool such as ``axe-core`` into a cache.

    Parameters
    ----------
    name, version : str
        The npm package and its exact version.
    dest : Path or str
        Folder to unpack into (made when missing); the package lands in a subfolder
        named after it.
    registry : str, optional
        Default :func:`registry_url`.

    Returns
    -------
    Path
        The package's folder (what is ``package/`` in the tarball).

    Raises
    ------
    AssetInstallError
        The registry is unreachable, the hash does not match, or the tarball is unsafe.
    """
    folder = Path(dest)
    folder.mkdir(parents=True, exist_ok=True)
    package_dir, _ = _fetch_package(Package(name, version), registry or registry_url(), folder)
    return package_dir


# ---------------------------------------------------------------------------
# Fetching with npm (optional)
# ---------------------------------------------------------------------------


def _run_npm(npm: str, prefix: Path) -> None:
    specs = [f"{p.name}@{p.version}" for p in PACKAGES]
    cmd = [
        npm,
        "install",
        "--prefix",
        str(prefix),
        "--no-audit",
        "--no-fund",
        "--no-save",
        "--no-package-lock",
        "--ignore-scripts",
        "--no-progress",
        "--loglevel=error",
        *specs,
    ]
    env = dict(os.environ, npm_config_update_notifier="false")
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=_NPM_TIMEOUT_S, env=env, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise AssetInstallError(
            f"npm gaf na {_NPM_TIMEOUT_S} seconden nog geen antwoord. "
            "Controleer de verbinding met het npm-register en probeer het opnieuw."
        ) from exc
    except OSError as exc:
        raise AssetInstallError(f"npm kon niet starten: {exc}") from exc
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise AssetInstallError(
            "npm kon de kaartbestanden niet installeren "
            f"(foutcode {proc.returncode}). Controleer de verbinding met het "
            f"npm-register en probeer het opnieuw. Melding van npm:\n{tail}"
        )


# ---------------------------------------------------------------------------
# Copying the needed files and writing the manifest
# ---------------------------------------------------------------------------


def _read_package_json(package_dir: Path, name: str) -> dict[str, Any]:
    try:
        meta = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AssetInstallError(
            f"Het pakket {name} heeft geen leesbare package.json: {exc}"
        ) from exc
    if not isinstance(meta, dict):
        raise AssetInstallError(f"Het pakket {name} heeft geen leesbare package.json.")
    return meta


def _licence_of(meta: dict[str, Any]) -> str:
    licence = meta.get("license") or meta.get("licence") or "onbekend"
    if isinstance(licence, dict):  # old style {"type": ..., "url": ...}
        licence = licence.get("type", "onbekend")
    return str(licence)


def _collect_package(
    package: Package, source: Path, staging: Path
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Copy the needed files of one unpacked npm package into ``staging``."""
    meta = _read_package_json(source, package.name)
    if meta.get("version") != package.version:
        raise AssetInstallError(
            f"Het pakket {package.name} heeft versie {meta.get('version')}, "
            f"maar versie {package.version} is nodig."
        )
    licence = _licence_of(meta)
    wanted: list[str] = []
    for asset in ASSETS:
        if asset.package != package.name:
            continue
        wanted.append(asset.file)
        if asset.kind == "css" and (source / asset.file).is_file():
            text = (source / asset.file).read_text(encoding="utf-8")
            wanted.extend(p for p in css_references(asset.file, text) if (source / p).is_file())
    wanted.extend(package.extra_files)
    wanted.extend(name for name in _LICENCE_FILES if (source / name).is_file())

    entries: list[dict[str, Any]] = []
    for rel in dict.fromkeys(wanted):  # keep order, drop duplicates
        src = source / rel
        if not src.is_file():
            raise AssetInstallError(
                f"Het bestand {rel} ontbreekt in het npm-pakket {package.name}."
            )
        local = local_path(package.name, rel)
        dst = staging / local
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        entries.append(
            {
                "package": package.name,
                "version": package.version,
                "file": local,
                "sha256": sha256_of(dst),
                "bytes": dst.stat().st_size,
                "licence": licence,
            }
        )
    summary = {"package": package.name, "version": package.version, "licence": licence}
    return entries, summary


def _write_generated(staging: Path) -> list[dict[str, Any]]:
    entries = []
    for rel, content in generated_files().items():
        local = local_path(GENERATED, rel)
        dst = staging / local
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(content)
        entries.append(
            {
                "package": GENERATED,
                "version": str(FORMAT),
                "file": local,
                "sha256": sha256_of(dst),
                "bytes": len(content),
                "licence": "MIT",
            }
        )
    return entries


def _swap_into_place(staging: Path, dest: Path) -> None:
    """Replace ``dest`` by ``staging`` with renames (same file system)."""
    old: Path | None = None
    if dest.exists() or dest.is_symlink():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        if old.exists():
            shutil.rmtree(old, ignore_errors=True)
        dest.rename(old)
    try:
        staging.rename(dest)
    except OSError:
        if old is not None:
            old.rename(dest)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _package_sources(
    use_npm: bool, workdir: Path
) -> tuple[list[tuple[Package, Path, dict[str, Any]]], str]:
    """Fetch every package into ``workdir``; return (package, folder, facts) and the source."""
    if use_npm:
        npm = shutil.which("npm")
        if npm is None:
            raise AssetInstallError(
                "npm is niet gevonden. npm is niet nodig: laat `--npm` weg, dan haalt "
                f"`{INSTALL_COMMAND}` de kaartbestanden zelf op uit het npm-register."
            )
        _run_npm(npm, workdir)
        found = []
        for package in PACKAGES:
            folder = workdir / "node_modules" / package.name
            if not folder.is_dir():
                raise AssetInstallError(f"npm heeft het pakket {package.name} niet geïnstalleerd.")
            found.append((package, folder, {}))
        return found, "npm"
    registry = registry_url()
    return [(p, *_fetch_package(p, registry, workdir)) for p in PACKAGES], registry


def install_assets(
    dest: Path | str | None = None, *, force: bool = False, use_npm: bool = False
) -> Path:
    """Install the JavaScript/CSS files that folium maps need.

    The packages are fetched from the npm registry over HTTPS (``$WIJKLIB_NPM_REGISTRY``,
    default the public registry), checked against the registry's sha512 integrity hash and
    unpacked safely in a temporary folder; no Node or npm is needed. Only the needed files
    are copied into a staging folder next to ``dest``, which then replaces ``dest`` in one
    rename. Nothing happens when ``dest`` already holds a matching, intact installation
    (unless ``force``).

    Parameters
    ----------
    dest : Path or str, optional
        Target folder; default ``$WIJKLIB_ASSETS`` or ``wijklib/_assets``.
    force : bool, default False
        Reinstall even when the installation is complete.
    use_npm : bool, default False
        Let npm fetch the packages (it must be on PATH) instead of fetching them directly.

    Returns
    -------
    Path
        The assets folder.

    Raises
    ------
    AssetInstallError
        When the registry cannot be reached, a package fails its integrity check or holds
        unsafe paths, or npm (with ``use_npm``) is missing or fails; message in Dutch.
        ``dest`` is then left as it was.
    """
    root = assets_dir(dest)
    if not force and manifest_problem(root) is None:
        return root
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.tmp-", dir=root.parent))
    try:
        with tempfile.TemporaryDirectory(prefix="wijklib-npm-") as workdir:
            sources, origin = _package_sources(use_npm, Path(workdir))
            files: list[dict[str, Any]] = []
            packages: list[dict[str, Any]] = []
            for package, folder, facts in sources:
                entries, summary = _collect_package(package, folder, staging)
                files.extend(entries)
                packages.append({**summary, **facts})
        files.extend(_write_generated(staging))
        packages.append({"package": GENERATED, "version": str(FORMAT), "licence": "MIT"})
        manifest = {
            "format": FORMAT,
            "spec": spec_fingerprint(),
            "generator": "wijklib.notebook.installer",
            "source": origin,
            "packages": packages,
            "files": files,
        }
        (staging / MANIFEST_NAME).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        _swap_into_place(staging, root)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return root


# ---------------------------------------------------------------------------
# JupyterLab settings: Dutch, no news pop-up
# ---------------------------------------------------------------------------

#: JupyterLab settings for participants: the Dutch language pack, and neither the
#: "Jupyter news?" question nor update checks (both reach out to the internet).
LAB_OVERRIDES: dict[str, dict[str, Any]] = {
    "@jupyterlab/translation-extension:plugin": {"locale": "nl_NL"},
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def lab_settings_file(prefix: Path | str | None = None) -> Path:
    """Return JupyterLab's ``overrides.json`` for an environment.

    Parameters
    ----------
    prefix : Path or str, optional
        The environment's prefix (default ``sys.prefix``: the running venv or conda env).

    Returns
    -------
    Path
        ``<prefix>/share/jupyter/lab/settings/overrides.json`` (JupyterLab's app settings).
    """
    base = Path(prefix) if prefix is not None else Path(sys.prefix)
    return base / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def install_lab_settings(prefix: Path | str | None = None) -> Path:
    """Write :data:`LAB_OVERRIDES` into JupyterLab's ``overrides.json``.

    Other settings already in the file are kept; only the keys of
    :data:`LAB_OVERRIDES` are set.

    Parameters
    ----------
    prefix : Path or str, optional
        The environment's prefix (default ``sys.prefix``).

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    AssetInstallError
        When an existing ``overrides.json`` is not valid JSON (it is left alone).
    """
    from wijklib.guarantees.writing import atomic_write_text

    target = lab_settings_file(prefix)
    current: dict[str, Any] = {}
    if target.is_file():
        try:
            loaded = json.loads(target.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise AssetInstallError(
                f"Het bestand {target} is geen geldige JSON ({exc}). Herstel of verwijder "
                f"het, en voer daarna opnieuw `{INSTALL_COMMAND}` uit."
            ) from exc
        if isinstance(loaded, dict):
            current = loaded
    for plugin, values in LAB_OVERRIDES.items():
        merged = current.get(plugin) if isinstance(current.get(plugin), dict) else {}
        current[plugin] = {**merged, **values}
    return atomic_write_text(target, json.dumps(current, indent=2, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

_USAGE = (
    f"Gebruik: {INSTALL_COMMAND} [--dest MAP] [--force] [--npm] [--jupyter-prefix MAP]\n"
    "  Installeert de kaartbestanden (Leaflet en andere) uit het npm-register, zodat\n"
    "  kaarten ook zonder internet werken. Node.js en npm zijn niet nodig. Zet ook\n"
    "  JupyterLab op Nederlands, zonder nieuwsberichten.\n"
    "  --dest MAP            map voor de kaartbestanden (standaard $WIJKLIB_ASSETS of\n"
    "                        wijklib/_assets)\n"
    "  --force               installeer opnieuw, ook als alles er al is\n"
    "  --npm                 laat npm de pakketten ophalen (alleen als je dat wilt)\n"
    "  --jupyter-prefix MAP  omgeving voor de JupyterLab-instellingen (standaard deze)\n"
    "  --zonder-jupyterlab   laat de JupyterLab-instellingen zoals ze zijn"
)


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Install the map assets and print a one-line result in Dutch.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default ``sys.argv[1:]``): ``--dest MAP``, ``--force``, ``--npm``,
        ``--jupyter-prefix MAP`` and ``--zonder-jupyterlab``.

    Returns
    -------
    int
        Exit code: 0 on success, 1 on failure, 2 on wrong arguments.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    dest: Path | None = None
    prefix: Path | None = None
    force = use_npm = False
    lab = True
    while args:
        arg = args.pop(0)
        if arg in ("-h", "--help"):
            print(_USAGE)
            return 0
        if arg == "--force":
            force = True
        elif arg == "--npm":
            use_npm = True
        elif arg == "--zonder-jupyterlab":
            lab = False
        elif arg == "--jupyter-prefix" and args:
            prefix = Path(args.pop(0))
        elif arg.startswith("--jupyter-prefix="):
            prefix = Path(arg.split("=", 1)[1])
        elif arg == "--dest" and args:
            dest = Path(args.pop(0))
        elif arg.startswith("--dest="):
            dest = Path(arg.split("=", 1)[1])
        else:
            print(f"Onbekende optie: {arg}\n{_USAGE}", file=sys.stderr)
            return 2
    root = assets_dir(dest)
    already = not force and assets_installed(root)
    try:
        root = install_assets(root, force=force, use_npm=use_npm)
    except AssetInstallError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 1
    if already:
        print(
            f"De kaartbestanden zijn al aanwezig in {_display_path(root)}. Er is niets veranderd."
        )
    else:
        manifest = read_manifest(root) or {}
        print(
            f"Klaar: {len(manifest.get('files', []))} kaartbestanden uit "
            f"{len(manifest.get('packages', []))} pakketten staan in {_display_path(root)}."
        )
    if lab:
        try:
            written = install_lab_settings(prefix)
        except (AssetInstallError, OSError) as exc:
            print(f"Fout: {exc}", file=sys.stderr)
            return 1
        print(f"JupyterLab is in het Nederlands en toont geen nieuwsberichten ({written}).")
    return 0
