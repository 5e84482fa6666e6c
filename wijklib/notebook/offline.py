"""Local copies of the JavaScript and CSS that folium maps need.

folium loads Leaflet, jQuery, Bootstrap, Leaflet.awesome-markers, Font Awesome,
the Bootstrap 3 glyphicons and a few plugin files (for example Leaflet.draw)
from public CDNs.  Without internet such a map stays empty ("L is not
defined").  This module fixes that without committing any third-party code
to the repository:

* :mod:`wijklib.notebook.installer` (``python -m wijklib.assets``, ``make assets``)
  fetches the packages from the npm registry at set-up time (no Node needed) and
  copies only the files that folium needs into a git-ignored folder, together with
  a ``manifest.json`` (package, version, file, sha256, licence).
* :func:`localize` swaps the CDN links of one map for the local files.  In
  ``mode="inline"`` the files are embedded in the page (fonts and images in
  CSS as ``data:`` URIs), so an exported HTML file is self-contained and keeps
  working offline and after CDNs change.  The default ``mode="auto"`` does that
  when the files are installed, and otherwise keeps the CDN links with one
  :class:`CdnFallbackWarning` that says how to install them, so a notebook does
  not stop at its first map.
* :func:`map_html`, :func:`save_map` and :func:`show` give the standalone HTML,
  an HTML file and a notebook display object of a localized map.

Map tiles stay online-only; a map with ``tiles=None`` works fully offline.

Nothing here does any work at import time; folium and branca are imported
lazily.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import posixpath
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from wijklib.errors import InvalidChoiceError, WijklibError
from wijklib.guarantees.rendering import escape, map_page_frame, render
from wijklib.guarantees.writing import atomic_write_text

if TYPE_CHECKING:  # pragma: no cover - typing only
    import folium
    from branca.element import Element, Figure

__all__ = [
    "AssetInstallError",
    "AssetsMissingError",
    "CdnFallbackWarning",
    "CdnLinkWarning",
    "LocalizeResult",
    "MapView",
    "assets_dir",
    "assets_installed",
    "localize",
    "map_html",
    "save_map",
    "show",
]

Mode = Literal["auto", "inline", "cdn"]

#: Environment variable that overrides the default assets folder.
ENV_VAR = "WIJKLIB_ASSETS"
#: Name of the manifest file inside the assets folder.
MANIFEST_NAME = "manifest.json"
#: Bump when the layout of the assets folder or the manifest changes.
FORMAT = 1
#: Pseudo package name for files that wijklib generates itself.
GENERATED = "wijklib-generated"
#: The command that installs the assets, on every operating system.
INSTALL_COMMAND = "python -m wijklib.assets"
_MAKE_HINT = (
    f"Installeer ze één keer met `{INSTALL_COMMAND}` in een terminal (Windows: "
    "`py -m wijklib.assets`; in een checkout kan ook `make assets`). Node.js is niet nodig."
)


# ---------------------------------------------------------------------------
# Errors and warnings (messages in Dutch: users read them)
# ---------------------------------------------------------------------------


class AssetInstallError(WijklibError, RuntimeError):
    """Installing the map assets failed (npm missing, npm error, ...)."""


class AssetsMissingError(WijklibError, RuntimeError):
    """The map assets are needed but not (or not completely) installed."""


class CdnLinkWarning(UserWarning):
    """A map still loads a file from the internet after localizing."""


class CdnFallbackWarning(UserWarning):
    """The map assets are not installed, so a map loads them from the internet (CDN)."""


# ---------------------------------------------------------------------------
# What to install and which CDN links it replaces
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Package:
    """An npm package to install.

    Attributes
    ----------
    name : str
        npm package name.
    version : str
        Exact version (as close to folium's CDN version as npm has it).
    extra_files : tuple of str
        Files to copy besides the assets and the files their CSS refers to.
    """

    name: str
    version: str
    extra_files: tuple[str, ...] = ()


@dataclass(frozen=True)
class Asset:
    """One JavaScript or CSS file that replaces one or more CDN links.

    Attributes
    ----------
    package : str
        npm package name (or :data:`GENERATED`).
    file : str
        Path of the file inside the package.
    kind : {"js", "css"}
        How the file is embedded.
    urls : tuple of str
        CDN links that this file replaces (exact matches).
    """

    package: str
    file: str
    kind: Literal["js", "css"]
    urls: tuple[str, ...] = ()


# Versions follow folium 0.20's defaults (folium/folium.py, plugins/draw.py).
# Leaflet.awesome-markers 2.0.2 (cdnjs) is not on npm: 2.0.4 is the closest
# release and has the same dist files as 2.0.5.  folium's
# "bootstrap-glyphicons.css" (Bootstrap 3.0.0, not on npm) is replaced by
# glyphicons-only-bootstrap (the glyphicon part of Bootstrap 3.3.7: same class
# names and code points, plus some newer icons).
PACKAGES: tuple[Package, ...] = (
    Package(
        "leaflet",
        "1.9.3",
        extra_files=(
            "dist/images/marker-icon.png",
            "dist/images/marker-icon-2x.png",
            "dist/images/marker-shadow.png",
        ),
    ),
    Package("jquery", "3.7.1"),
    Package("bootstrap", "5.2.2"),
    Package("leaflet.awesome-markers", "2.0.4"),
    Package("@fortawesome/fontawesome-free", "6.2.0"),
    Package("glyphicons-only-bootstrap", "1.0.1"),
    Package("leaflet-draw", "1.0.2"),
)

_JSDELIVR = "https://cdn.jsdelivr.net"
_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"

ASSETS: tuple[Asset, ...] = (
    Asset("leaflet", "dist/leaflet.js", "js"),
    Asset("leaflet", "dist/leaflet.css", "css"),
    Asset(
        "jquery",
        "dist/jquery.min.js",
        "js",
        (
            "https://code.jquery.com/jquery-3.7.1.min.js",
            f"{_CDNJS}/jquery/3.7.1/jquery.min.js",
        ),
    ),
    Asset("bootstrap", "dist/js/bootstrap.bundle.min.js", "js"),
    Asset("bootstrap", "dist/css/bootstrap.min.css", "css"),
    Asset(
        "leaflet.awesome-markers",
        "dist/leaflet.awesome-markers.js",
        "js",
        (f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js",),
    ),
    Asset(
        "leaflet.awesome-markers",
        "dist/leaflet.awesome-markers.css",
        "css",
        (f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css",),
    ),
    Asset("@fortawesome/fontawesome-free", "css/all.min.css", "css"),
    Asset(
        "glyphicons-only-bootstrap",
        "css/bootstrap.min.css",
        "css",
        ("https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",),
    ),
    Asset(
        GENERATED,
        "leaflet.awesome.rotate.min.css",
        "css",
        (
            f"{_JSDELIVR}/gh/python-visualization/folium/folium/templates/"
            "leaflet.awesome.rotate.min.css",
            f"{_JSDELIVR}/gh/python-visualization/folium/folium/templates/"
            "leaflet.awesome.rotate.css",
        ),
    ),
    Asset(
        "leaflet-draw",
        "dist/leaflet.draw.js",
        "js",
        (f"{_CDNJS}/leaflet.draw/1.0.2/leaflet.draw.js",),
    ),
    Asset(
        "leaflet-draw",
        "dist/leaflet.draw.css",
        "css",
        (f"{_CDNJS}/leaflet.draw/1.0.2/leaflet.draw.css",),
    ),
)

# npm CDNs that serve ``<package>@<version>/<file>``: such a link is replaced
# when exactly that package, version and file is installed.
_NPM_CDN_URL = re.compile(
    r"^(?:https?:)?//(?:cdn\.jsdelivr\.net/npm|unpkg\.com)/"
    r"(?P<package>(?:@[^/@]+/)?[^/@]+)@(?P<version>[^/]+)/(?P<file>[^?#]+)$"
)


def generated_files() -> dict[str, bytes]:
    """Return the files that wijklib generates itself.

    folium loads ``leaflet.awesome.rotate.min.css`` from its own GitHub
    repository; it is not on npm.  It only holds one rotation rule per angle,
    so it is generated here (same rules as folium's file).
    """
    rules = "".join(
        f".fa-rotate-{n}{{-ms-transform:rotate({n}deg);-webkit-transform:rotate({n}deg);"
        f"transform:rotate({n}deg)}}\n"
        for n in range(1, 361)
    )
    header = "/* Generated by wijklib: equivalent of folium's leaflet.awesome.rotate.css */\n"
    return {"leaflet.awesome.rotate.min.css": (header + rules).encode()}


def _package_version(name: str) -> str:
    if name == GENERATED:
        return str(FORMAT)
    for package in PACKAGES:
        if package.name == name:
            return package.version
    raise KeyError(name)


def spec_fingerprint() -> str:
    """Return a hash of everything that decides what gets installed."""
    spec = {
        "format": FORMAT,
        "packages": [[p.name, p.version, list(p.extra_files)] for p in PACKAGES],
        "assets": [[a.package, a.file, a.kind] for a in ASSETS],
        "generated": {
            k: hashlib.sha256(v).hexdigest() for k, v in sorted(generated_files().items())
        },
    }
    blob = json.dumps(spec, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()


def local_path(package: str, file: str) -> str:
    """Return the path (relative to the assets folder) of a package file."""
    return posixpath.join(package, file)


# ---------------------------------------------------------------------------
# Where the assets live
# ---------------------------------------------------------------------------


def assets_dir(dest: Path | str | None = None) -> Path:
    """Return the folder that holds (or will hold) the map assets.

    Parameters
    ----------
    dest : Path or str, optional
        Explicit folder.  When omitted, the environment variable
        ``WIJKLIB_ASSETS`` is used, and otherwise ``wijklib/_assets``.

    Returns
    -------
    Path
        The folder (it may not exist yet).
    """
    if dest is not None:
        return Path(dest).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return Path(__file__).resolve().parents[1] / "_assets"


def read_manifest(root: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_problem(root: Path, *, check_hashes: bool = True) -> str | None:
    """Explain (in Dutch) what is wrong with an assets folder, or None if fine."""
    manifest = read_manifest(root)
    if manifest is None:
        return f"De kaartbestanden zijn niet geïnstalleerd (geen {MANIFEST_NAME} in {root})."
    if manifest.get("format") != FORMAT or manifest.get("spec") != spec_fingerprint():
        return f"De kaartbestanden in {root} zijn verouderd."
    for entry in manifest.get("files", []):
        path = root / entry["file"]
        if not path.is_file():
            return f"Het bestand {entry['file']} ontbreekt in {root}."
        if check_hashes and sha256_of(path) != entry["sha256"]:
            return f"Het bestand {entry['file']} in {root} is veranderd of beschadigd."
    return None


def assets_installed(dest: Path | str | None = None) -> bool:
    """Tell whether the map assets are installed and up to date.

    Parameters
    ----------
    dest : Path or str, optional
        Assets folder; see :func:`assets_dir`.

    Returns
    -------
    bool
        True when the manifest matches this version of wijklib and every
        file is present with the right checksum.
    """
    return manifest_problem(assets_dir(dest)) is None


# ---------------------------------------------------------------------------
# Installing
# ---------------------------------------------------------------------------

_CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<ref>.*?)(?P=q)\s*\)""", re.S)


def _is_external_ref(ref: str) -> bool:
    return not ref or ref.startswith(("data:", "#", "http:", "https:", "//", "blob:", "about:"))


def _resolve_ref(css_file: str, ref: str) -> str | None:
    """Resolve a relative ``url()`` reference of a CSS file inside its package.

    Parameters
    ----------
    css_file : str
        Path of the CSS file inside the package, e.g. ``"css/all.min.css"``.
    ref : str
        The reference, e.g. ``"../webfonts/fa-solid-900.woff2"``.

    Returns
    -------
    str or None
        Package-relative path, or None for external or unsafe references.
    """
    if _is_external_ref(ref):
        return None
    clean = ref.split("#", 1)[0].split("?", 1)[0]
    if not clean:
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(css_file), clean))
    if path.startswith("../") or path == ".." or path.startswith("/"):
        return None
    return path


def css_references(css_file: str, text: str) -> list[str]:
    refs: list[str] = []
    for match in _CSS_URL.finditer(text):
        path = _resolve_ref(css_file, match.group("ref"))
        if path is not None and path not in refs:
            refs.append(path)
    return refs


# ---------------------------------------------------------------------------
# Turning installed files into inline HTML
# ---------------------------------------------------------------------------

_MIME = {
    ".png": "image/png",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
}
# Font formats in order of preference; others (eot, svg) are dropped.
_FONT_RANK = {".woff2": 0, ".woff": 1, ".ttf": 2, ".otf": 2}
_FONT_FACE = re.compile(r"@font-face\s*\{(?P<body>[^{}]*)\}", re.I)
_FONT_DESCRIPTORS = {
    "font-style": "style",
    "font-weight": "weight",
    "font-stretch": "stretch",
    "font-display": "display",
    "unicode-range": "unicodeRange",
    "font-feature-settings": "featureSettings",
    "ascent-override": "ascentOverride",
    "descent-override": "descentOverride",
    "line-gap-override": "lineGapOverride",
}
_JS_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=\S+\s*$", re.M)
_CSS_SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")
_CLOSE_SCRIPT = re.compile(r"</(script)", re.I)
_CLOSE_STYLE = re.compile(r"</(style)", re.I)

# The two small scripts of a map page are template files: lettertypen-laden.js.j2 runs
# once per page and registers the embedded fonts through the FontFace API (Font Awesome
# declares the same font file for several families, so one embedded copy keeps the page
# about 0.7 MB smaller than one data: URI per @font-face rule); leaflet-iconen.js.j2 gives
# Leaflet's default marker its embedded images.


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _split_top_level(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside quotes and parentheses."""
    parts: list[str] = []
    depth = 0
    quote = ""
    start = 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


@dataclass
class _Store:
    """An installed, checked assets folder with inline snippets (cached)."""

    root: Path
    manifest: dict[str, Any]
    _snippets: dict[Asset, str] = field(default_factory=dict)

    def has(self, local: str) -> bool:
        return (self.root / local).is_file()

    def asset_for(self, url: str) -> Asset | None:
        """Return the local asset that replaces ``url``, if any."""
        url = url.strip()
        asset = _assets_by_url().get(_normalize_url(url))
        if asset is None:
            match = _NPM_CDN_URL.match(url)
            if match:
                for candidate in ASSETS:
                    if (
                        candidate.package == match["package"]
                        and candidate.file == match["file"]
                        and _package_version(candidate.package) == match["version"]
                    ):
                        asset = candidate
                        break
        if asset is None or not self.has(local_path(asset.package, asset.file)):
            return None
        return asset

    def snippet(self, asset: Asset) -> str:
        """Return the inline ``<script>``/``<style>`` HTML for an asset."""
        if asset not in self._snippets:
            if asset.kind == "js":
                self._snippets[asset] = self._js_snippet(asset)
            else:
                self._snippets[asset] = self._css_snippet(asset)
        return self._snippets[asset]

    def _label(self, asset: Asset) -> str:
        return escape(f"{asset.package}@{_package_version(asset.package)}/{asset.file}")

    def _js_snippet(self, asset: Asset) -> str:
        local = local_path(asset.package, asset.file)
        code = (self.root / local).read_text(encoding="utf-8")
        code = _CLOSE_SCRIPT.sub(r"<\\/\1", _JS_SOURCE_MAP.sub("", code))
        out = f'<script data-wijklib-asset="{self._label(asset)}">\n{code}\n</script>'
        if asset.package == "leaflet" and asset.file == "dist/leaflet.js":
            images = self.root / "leaflet" / "dist" / "images"
            # the script is a template file (wijklib/templates/leaflet-iconen.js.j2)
            fix = render("leaflet-iconen.js.j2",
                         icon=_data_uri(images / "marker-icon.png"),
                         icon2x=_data_uri(images / "marker-icon-2x.png"),
                         shadow=_data_uri(images / "marker-shadow.png")).strip()
            out += f'\n<script data-wijklib-asset="leaflet-icon-paths">{fix}</script>'
        return out

    def _css_snippet(self, asset: Asset) -> str:
        local = local_path(asset.package, asset.file)
        css = (self.root / local).read_text(encoding="utf-8")
        css = _CSS_SOURCE_MAP.sub("", css)
        fonts: dict[str, str] = {}
        faces: list[list[Any]] = []

        def font_face(match: re.Match[str]) -> str:
            face = self._parse_font_face(asset, match.group("body"))
            if face is None:
                return match.group(0)
            family, local_font, descriptors = face
            if local_font not in fonts:
                fonts[local_font] = f"f{len(fonts)}"
            faces.append([family, fonts[local_font], descriptors])
            return ""

        def inline_url(match: re.Match[str]) -> str:
            path = _resolve_ref(asset.file, match.group("ref"))
            if path is None or not self.has(local_path(asset.package, path)):
                return match.group(0)
            return f'url("{_data_uri(self.root / local_path(asset.package, path))}")'

        css = _FONT_FACE.sub(font_face, css)
        css = _CSS_URL.sub(inline_url, css)
        css = _CLOSE_STYLE.sub(r"<\\/\1", css)
        out = f'<style data-wijklib-asset="{self._label(asset)}">\n{css}\n</style>'
        if faces:
            data = {
                key: base64.b64encode((self.root / font).read_bytes()).decode("ascii")
                for font, key in fonts.items()
            }
            # the script is a template file (wijklib/templates/lettertypen-laden.js.j2)
            loader = render("lettertypen-laden.js.j2", data=data, faces=faces).strip()
            out += f'\n<script data-wijklib-asset="{self._label(asset)} fonts">{loader}</script>'
        return out

    def _parse_font_face(self, asset: Asset, body: str) -> tuple[str, str, dict[str, str]] | None:
        """Return (family, local font file, FontFace descriptors) or None."""
        family = ""
        descriptors: dict[str, str] = {}
        best: tuple[int, str] | None = None
        for declaration in _split_top_level(body, ";"):
            name, _, value = declaration.partition(":")
            name = name.strip().lower()
            value = value.strip()
            if name == "font-family":
                family = value.strip("'\"")
            elif name == "src":
                for source in _split_top_level(value, ","):
                    match = _CSS_URL.search(source)
                    if not match:
                        continue
                    path = _resolve_ref(asset.file, match.group("ref"))
                    if path is None:
                        continue
                    rank = _FONT_RANK.get(posixpath.splitext(path)[1].lower())
                    local = local_path(asset.package, path)
                    if rank is not None and self.has(local) and (best is None or rank < best[0]):
                        best = (rank, local)
            elif name in _FONT_DESCRIPTORS:
                descriptors[_FONT_DESCRIPTORS[name]] = value
        if not family or best is None:
            return None
        return family, best[1], descriptors


def _normalize_url(url: str) -> str:
    if url.startswith("//"):
        url = "https:" + url
    if url.startswith("http://"):
        url = "https://" + url[len("http://") :]
    return url


@functools.cache
def _assets_by_url() -> dict[str, Asset]:
    mapping: dict[str, Asset] = {}
    for asset in ASSETS:
        urls = list(asset.urls)
        if asset.package != GENERATED:
            version = _package_version(asset.package)
            urls.append(f"{_JSDELIVR}/npm/{asset.package}@{version}/{asset.file}")
        for url in urls:
            mapping[_normalize_url(url)] = asset
    return mapping


@functools.lru_cache(maxsize=8)
def _load_store_cached(root: str, stamp: tuple[int, int]) -> _Store:
    path = Path(root)
    problem = manifest_problem(path, check_hashes=False)
    if problem is not None:
        raise AssetsMissingError(f"{problem} {_MAKE_HINT}")
    manifest = read_manifest(path)
    assert manifest is not None
    return _Store(path, manifest)


def _load_store(root: Path) -> _Store:
    """Return the checked store for ``root`` (cached per manifest version)."""
    try:
        stat = (root / MANIFEST_NAME).stat()
    except OSError as exc:
        raise AssetsMissingError(
            f"De kaartbestanden (Leaflet en andere) zijn nog niet geïnstalleerd in {root}. "
            f"{_MAKE_HINT}"
        ) from exc
    return _load_store_cached(str(root.resolve()), (stat.st_mtime_ns, stat.st_size))


# ---------------------------------------------------------------------------
# Localizing maps
# ---------------------------------------------------------------------------

_EXTERNAL_SRC = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""",
    re.I,
)


@dataclass
class LocalizeResult:
    """What :func:`localize` did with the links of a map.

    Attributes
    ----------
    mode : {"inline", "cdn"}
        The mode used.
    localized : list of str
        CDN links that were replaced by embedded local copies.
    remote : list of str
        Links to the internet that are still in the page (no local copy, or
        ``mode="cdn"``).  Map tiles are not listed: they are loaded later.
    """

    mode: str
    localized: list[str] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)

    @property
    def offline_ready(self) -> bool:
        """True when the page loads no JavaScript or CSS from the internet."""
        return not self.remote


@functools.cache
def _header_class() -> type[Element]:
    """Create (once) the branca header element that localizes links.

    Defined lazily so that importing this module does not import branca.
    """
    from branca.element import CssLink, Element, JavascriptLink

    class _LocalizingHeader(Element):
        """Replacement for ``Figure.header`` that embeds local copies.

        folium adds its ``<script>``/``<link>`` elements to the figure header
        while rendering (``JSCSSMixin.render``), including plugin links.  The
        header is rendered last, so swapping links here catches all of them,
        also after re-rendering, without changing any class-level defaults.
        """

        def __init__(self, original: Element, mode: str, root: Path) -> None:
            super().__init__()
            self._name = original._name
            self._id = original._id
            self._children = original._children
            self._parent = original._parent
            self.mode = mode
            self.assets_root = root
            self.last_result = LocalizeResult(mode)

        def render(self, **kwargs: Any) -> str:
            store = _load_store(self.assets_root) if self.mode == "inline" else None
            result = LocalizeResult(self.mode)
            parts: list[str] = []
            for child in self._children.values():
                if isinstance(child, (JavascriptLink, CssLink)):
                    asset = store.asset_for(child.url) if store is not None else None
                    if asset is not None and store is not None:
                        parts.append(store.snippet(asset))
                        result.localized.append(child.url)
                        continue
                text = child.render(**kwargs)
                for url in _EXTERNAL_SRC.findall(text):
                    if url not in result.remote:
                        result.remote.append(url)
                parts.append(text)
            self.last_result = result
            return "".join(f"\n    {part}" for part in parts)

    # Importable as wijklib.notebook.offline._LocalizingHeader (see __getattr__), so a
    # localized map can be pickled.
    _LocalizingHeader.__module__ = __name__
    _LocalizingHeader.__qualname__ = "_LocalizingHeader"
    return _LocalizingHeader


def __getattr__(name: str) -> Any:
    if name == "_LocalizingHeader":
        return _header_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _figure_of(m: Element) -> Figure:
    from branca.element import Figure

    root = m.get_root()
    if not isinstance(root, Figure):
        raise TypeError(
            "Deze kaart zit niet in een figuur (branca Figure). "
            "Geef een folium.Map of een Figure mee."
        )
    return root


#: Assets folders for which the CDN fallback was already announced in this process.
_FALLBACK_NOTED: set[str] = set()


def _note_fallback(root: Path, stacklevel: int) -> None:
    """Warn once per assets folder (and process) that maps use the CDN."""
    key = str(root.resolve())
    if key in _FALLBACK_NOTED:
        return
    _FALLBACK_NOTED.add(key)
    warnings.warn(
        "De kaartbestanden (Leaflet en andere) staan niet op deze computer. De kaarten "
        "halen ze daarom van internet; zonder internet blijft een kaart leeg. "
        f"Wil je kaarten ook zonder internet? {_MAKE_HINT}",
        CdnFallbackWarning,
        stacklevel=stacklevel + 1,
    )


def _resolve_mode(mode: str, root: Path, stacklevel: int) -> str:
    """Turn ``"auto"`` into ``"inline"`` (assets installed) or ``"cdn"`` (with a note)."""
    if mode not in ("auto", "inline", "cdn"):
        raise InvalidChoiceError(f"Onbekende mode {mode!r}: kies 'auto', 'inline' of 'cdn'.")
    if mode != "auto":
        return mode
    try:
        _load_store(root)
    except AssetsMissingError:
        _note_fallback(root, stacklevel + 1)
        return "cdn"
    return "inline"


def _install_header(
    m: Element, mode: str, assets: Path | str | None, stacklevel: int = 1
) -> Any:
    """Install the localizing header; ``stacklevel`` counts the frames above this one."""
    root = assets_dir(assets)
    mode = _resolve_mode(mode, root, stacklevel + 1)
    if mode == "inline":
        _load_store(root)  # fail early, with the Dutch hint
    figure = _figure_of(m)
    map_page_frame(figure)  # Dutch, a <title> and a <main> landmark (WCAG)
    header_cls = _header_class()
    header = figure.header
    if isinstance(header, header_cls):
        header.mode = mode
        header.assets_root = root
    else:
        header = header_cls(header, mode, root)
        figure.header = header
    return header


def _warn_remote(result: LocalizeResult) -> None:
    """Warn (in Dutch) about links that still need the internet.

    Always called directly from a public function, so ``stacklevel=3``
    points at the user's code.
    """
    if result.mode == "inline" and result.remote:
        links = ", ".join(result.remote)
        warnings.warn(
            "Deze kaart laadt nog bestanden van internet, want er is geen lokale kopie: "
            f"{links}. Zonder internet werkt dat deel van de kaart niet.",
            CdnLinkWarning,
            stacklevel=3,
        )


def _render(m: Element, mode: str, assets: Path | str | None) -> tuple[str, LocalizeResult]:
    header = _install_header(m, mode, assets, stacklevel=3)
    page = _figure_of(m).render()
    result: LocalizeResult = header.last_result
    return page, result


def localize(
    m: folium.Map | Figure, mode: Mode = "auto", *, assets: Path | str | None = None
) -> LocalizeResult:
    """Make a map use local copies instead of CDN links.

    The map's figure gets a header that, at every render, replaces each CDN
    ``<script>``/``<link>`` with a local equivalent (also those added by
    plugins).  Class-level folium defaults are not changed.  Calling it again
    (also with another mode) is fine.

    Parameters
    ----------
    m : folium.Map or branca.element.Figure
        The map (or its figure).
    mode : {"auto", "inline", "cdn"}, default "auto"
        ``"inline"`` embeds JavaScript and CSS in the page (fonts and images
        as ``data:`` URIs): the page works offline.  ``"cdn"`` keeps folium's
        CDN links.  ``"auto"`` is ``"inline"`` when the assets are installed
        and otherwise ``"cdn"``, with one :class:`CdnFallbackWarning` per
        assets folder that says how to install them.
    assets : Path or str, optional
        Assets folder; see :func:`assets_dir`.

    Returns
    -------
    LocalizeResult
        Which links were embedded and which still point to the internet.
        Remaining internet links also give a :class:`CdnLinkWarning`.

    Raises
    ------
    AssetsMissingError
        With ``mode="inline"`` when the assets are not installed.
    """
    result = _render(m, mode, assets)[1]
    _warn_remote(result)
    return result


def map_html(
    m: folium.Map | Figure, mode: Mode = "auto", *, assets: Path | str | None = None
) -> str:
    """Return the full standalone HTML page of a localized map.

    Parameters
    ----------
    m : folium.Map or branca.element.Figure
        The map.
    mode : {"auto", "inline", "cdn"}, default "auto"
        See :func:`localize`.
    assets : Path or str, optional
        Assets folder; see :func:`assets_dir`.

    Returns
    -------
    str
        What ``m.get_root().render()`` gives after :func:`localize`.
    """
    page, result = _render(m, mode, assets)
    _warn_remote(result)
    return page


def save_map(
    m: folium.Map | Figure,
    path: Path | str,
    mode: Mode = "auto",
    *,
    assets: Path | str | None = None,
) -> Path:
    """Save a localized map as one HTML file.

    Parameters
    ----------
    m : folium.Map or branca.element.Figure
        The map.
    path : Path or str
        Target file; missing parent folders are created.
    mode : {"auto", "inline", "cdn"}, default "auto"
        See :func:`localize`.
    assets : Path or str, optional
        Assets folder; see :func:`assets_dir`.

    Returns
    -------
    Path
        The written file.
    """
    page, result = _render(m, mode, assets)
    _warn_remote(result)
    return atomic_write_text(path, page)


class MapView:
    """Notebook display of a localized map.

    Its ``_repr_html_`` is folium's own representation (an ``<iframe>`` whose
    ``srcdoc`` holds the whole page), built from the localized page, so a
    notebook that ran offline shows a working map in the browser.

    Parameters
    ----------
    m : folium.Map or branca.element.Figure
        The map.
    mode : {"auto", "inline", "cdn"}, default "auto"
        See :func:`localize`.
    assets : Path or str, optional
        Assets folder; see :func:`assets_dir`.
    """

    def __init__(
        self,
        m: folium.Map | Figure,
        mode: Mode = "auto",
        *,
        assets: Path | str | None = None,
    ) -> None:
        self.map = m
        self.mode = mode
        self.assets = assets
        self.result: LocalizeResult | None = None

    def _repr_html_(self) -> str:
        """Return folium's iframe representation of the localized map."""
        header = _install_header(self.map, self.mode, self.assets)
        out: str = self.map._repr_html_()  # folium renders the figure itself
        self.result = header.last_result
        _warn_remote(self.result)
        return out

    def __repr__(self) -> str:
        return "Kaart (open het notebook in een browser om de kaart te zien)"


def show(
    m: folium.Map | Figure, mode: Mode = "auto", *, assets: Path | str | None = None
) -> MapView:
    """Return an object that shows the localized map in a notebook.

    Parameters
    ----------
    m : folium.Map or branca.element.Figure
        The map.
    mode : {"auto", "inline", "cdn"}, default "auto"
        See :func:`localize`.
    assets : Path or str, optional
        Assets folder; see :func:`assets_dir`.

    Returns
    -------
    MapView
        Put it last in a cell (or pass it to ``IPython.display.display``).

    Raises
    ------
    AssetsMissingError
        With ``mode="inline"`` when the assets are not installed.
    """
    _install_header(m, mode, assets, stacklevel=2)  # fail early, in the cell that asks
    return MapView(m, mode, assets=assets)
