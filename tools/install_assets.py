"""Install the map assets (Leaflet, jQuery, Bootstrap …) from the npm registry.

A set-up tool, not part of the runtime package: ``make assets`` runs
``python tools/install_assets.py``. It installs the npm packages listed in
:data:`wijklib.notebook.offline.PACKAGES` in a temporary folder, copies only the files
folium needs into the assets folder (``$WIJKLIB_ASSETS`` or ``wijklib/_assets``) and writes
a ``manifest.json`` with package, version, file, sha256 and licence. The runtime side that
reads this folder is :mod:`wijklib.notebook.offline`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wijklib.notebook.offline import (
    ASSETS,
    FORMAT,
    GENERATED,
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

_NPM_TIMEOUT_S = 900


_LICENCE_FILES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "license")


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


def _read_package_json(package_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AssetInstallError(
            f"npm heeft het pakket {package_dir.name} niet goed geïnstalleerd: {exc}"
        ) from exc


def _licence_of(meta: dict[str, Any]) -> str:
    licence = meta.get("license") or meta.get("licence") or "onbekend"
    if isinstance(licence, dict):  # old style {"type": ..., "url": ...}
        licence = licence.get("type", "onbekend")
    return str(licence)


def _collect_package(
    package: Package, source: Path, staging: Path
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Copy the needed files of one installed npm package into ``staging``."""
    meta = _read_package_json(source)
    if meta.get("version") != package.version:
        raise AssetInstallError(
            f"npm installeerde {package.name} versie {meta.get('version')}, "
            f"maar versie {package.version} is nodig."
        )
    licence = _licence_of(meta)
    wanted: list[str] = []
    for asset in ASSETS:
        if asset.package != package.name:
            continue
        wanted.append(asset.file)
        if asset.kind == "css":
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


def install_assets(dest: Path | str | None = None, *, force: bool = False) -> Path:
    """Install the JavaScript/CSS files that folium maps need from npm.

    The npm packages are installed in a temporary folder; only the needed
    files are copied into a staging folder next to ``dest``, which then
    replaces ``dest`` in one rename.  Nothing happens when ``dest`` already
    holds a matching, intact installation (unless ``force``).

    Parameters
    ----------
    dest : Path or str, optional
        Target folder; default ``$WIJKLIB_ASSETS`` or ``wijklib/_assets``.
    force : bool, default False
        Reinstall even when the installation is complete.

    Returns
    -------
    Path
        The assets folder.

    Raises
    ------
    AssetInstallError
        When npm is missing or fails (message in Dutch).
    """
    root = assets_dir(dest)
    if not force and manifest_problem(root) is None:
        return root
    npm = shutil.which("npm")
    if npm is None:
        raise AssetInstallError(
            "npm is niet gevonden. npm is nodig om de kaartbestanden (Leaflet en "
            "andere) te installeren. Installeer Node.js met npm, bijvoorbeeld met "
            "`apt-get install -y npm`, en voer daarna opnieuw `make assets` uit."
        )
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.tmp-", dir=root.parent))
    try:
        with tempfile.TemporaryDirectory(prefix="wijklib-npm-") as npm_dir:
            prefix = Path(npm_dir)
            _run_npm(npm, prefix)
            files: list[dict[str, Any]] = []
            packages: list[dict[str, Any]] = []
            for package in PACKAGES:
                source = prefix / "node_modules" / package.name
                if not source.is_dir():
                    raise AssetInstallError(
                        f"npm heeft het pakket {package.name} niet geïnstalleerd."
                    )
                entries, summary = _collect_package(package, source, staging)
                files.extend(entries)
                packages.append(summary)
        files.extend(_write_generated(staging))
        packages.append({"package": GENERATED, "version": str(FORMAT), "licence": "MIT"})
        manifest = {
            "format": FORMAT,
            "spec": spec_fingerprint(),
            "generator": "tools/install_assets.py",
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


_USAGE = (
    "Gebruik: python tools/install_assets.py [--dest MAP] [--force]\n"
    "  Installeert de kaartbestanden (Leaflet en andere) vanuit npm.\n"
    "  --dest MAP  map voor de bestanden (standaard $WIJKLIB_ASSETS of wijklib/_assets)\n"
    "  --force     installeer opnieuw, ook als alles er al is"
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
        Arguments (default ``sys.argv[1:]``): ``--dest MAP`` and ``--force``.

    Returns
    -------
    int
        Exit code: 0 on success, 1 on failure, 2 on wrong arguments.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    dest: Path | None = None
    force = False
    while args:
        arg = args.pop(0)
        if arg in ("-h", "--help"):
            print(_USAGE)
            return 0
        if arg == "--force":
            force = True
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
        root = install_assets(root, force=force)
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
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

