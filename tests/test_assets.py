"""Installing map assets (tools/install_assets.py) and localizing folium maps (notebook.offline).

The assets are really installed from the npm registry, once per test session,
into a temporary folder.  Browser checks are in test_browser.py.
"""

from __future__ import annotations

import copy
import hashlib
import html
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import folium
import folium.plugins
import pytest

from tools.install_assets import install_assets
from wijklib.notebook import offline as assets
from wijklib.notebook.offline import (
    AssetInstallError,
    AssetsMissingError,
    CdnLinkWarning,
    localize,
    map_html,
    save_map,
    show,
)

INSTALLER = Path(__file__).resolve().parents[1] / "tools" / "install_assets.py"
CDN_HOSTS = (
    "cdn.jsdelivr.net",
    "code.jquery.com",
    "netdna.bootstrapcdn.com",
    "cdnjs.cloudflare.com",
)
EXPECTED_PACKAGES = {
    "leaflet": "1.9.3",
    "jquery": "3.7.1",
    "bootstrap": "5.2.2",
    "leaflet.awesome-markers": "2.0.4",
    "@fortawesome/fontawesome-free": "6.2.0",
    "glyphicons-only-bootstrap": "1.0.1",
    "leaflet-draw": "1.0.2",
}
_TAG_LINK = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']?([^"'\s>]+)""", re.I)


@pytest.fixture(scope="session")
def assets_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Install the assets once per session (shared with test_browser.py)."""
    return install_assets(tmp_path_factory.getbasetemp() / "wijklib-assets")


def simple_map(tiles: str | None = None) -> folium.Map:
    """Return a small map with one polygon and a tooltip."""
    m = folium.Map(location=[52.09, 5.12], zoom_start=14, tiles=tiles)
    square = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"naam": "Binnenstad"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[5.11, 52.08], [5.13, 52.08], [5.13, 52.10], [5.11, 52.08]]],
                },
            }
        ],
    }
    folium.GeoJson(square, tooltip=folium.GeoJsonTooltip(fields=["naam"])).add_to(m)
    return m


def linked_urls(page: str) -> list[str]:
    """Return the src/href of every <script> and <link> tag."""
    return _TAG_LINK.findall(page)


def folium_defaults() -> dict[str, object]:
    """Snapshot of folium's class-level CDN lists."""
    from folium import elements
    from folium import folium as folium_module

    return copy.deepcopy(
        {
            "Map.default_js": folium.Map.default_js,
            "Map.default_css": folium.Map.default_css,
            "_default_js": folium_module._default_js,
            "_default_css": folium_module._default_css,
            "Draw.default_js": folium.plugins.Draw.default_js,
            "Draw.default_css": folium.plugins.Draw.default_css,
            "JSCSSMixin.default_js": elements.JSCSSMixin.default_js,
            "JSCSSMixin.default_css": elements.JSCSSMixin.default_css,
        }
    )


# --- installing -------------------------------------------------------------


def test_manifest_lists_every_file_with_checksum(assets_root: Path) -> None:
    manifest = json.loads((assets_root / "manifest.json").read_text(encoding="utf-8"))
    versions = {p["package"]: p["version"] for p in manifest["packages"]}
    for name, version in EXPECTED_PACKAGES.items():
        assert versions[name] == version
    assert manifest["files"], "manifest zonder bestanden"
    for entry in manifest["files"]:
        assert set(entry) >= {"package", "version", "file", "sha256", "licence"}
        data = (assets_root / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert entry["licence"] and entry["licence"] != "onbekend"
    listed = {entry["file"] for entry in manifest["files"]} | {"manifest.json"}
    on_disk = {p.relative_to(assets_root).as_posix() for p in assets_root.rglob("*") if p.is_file()}
    assert on_disk == listed  # only the needed files, no node_modules
    assert "leaflet/dist/leaflet.js" in listed
    assert "leaflet-draw/dist/leaflet.draw.js" in listed
    assert "@fortawesome/fontawesome-free/webfonts/fa-solid-900.woff2" in listed
    assert assets.assets_installed(assets_root)


def test_install_is_idempotent_and_needs_no_npm_then(
    assets_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (assets_root / "manifest.json").stat().st_mtime_ns
    monkeypatch.setenv("PATH", "")  # npm cannot be found now
    assert install_assets(assets_root) == assets_root
    assert (assets_root / "manifest.json").stat().st_mtime_ns == before


def test_missing_npm_is_no_problem(
    assets_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "")  # no node, no npm: the real registry over HTTPS
    root = install_assets(tmp_path / "zonder-npm")
    assert assets.assets_installed(root)
    assert (root / "leaflet/dist/leaflet.js").read_bytes() == (
        assets_root / "leaflet/dist/leaflet.js"
    ).read_bytes()
    with pytest.raises(AssetInstallError, match="npm is niet gevonden"):
        install_assets(tmp_path / "leeg", use_npm=True)
    assert not (tmp_path / "leeg").exists()


def test_damaged_install_is_repaired_atomically(assets_root: Path, tmp_path: Path) -> None:
    import shutil

    copy_root = tmp_path / "assets"
    shutil.copytree(assets_root, copy_root)
    target = copy_root / "leaflet" / "dist" / "leaflet.js"
    target.write_text("kapot", encoding="utf-8")
    assert not assets.assets_installed(copy_root)
    assert install_assets(copy_root) == copy_root
    assert assets.assets_installed(copy_root)
    assert target.read_bytes() == (assets_root / "leaflet" / "dist" / "leaflet.js").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["assets"]  # no temp leftovers


def test_env_var_chooses_the_folder(
    assets_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(assets.ENV_VAR, str(assets_root))
    assert assets.assets_dir() == assets_root
    assert assets.assets_installed()
    assert "data-wijklib-asset" in map_html(simple_map())
    monkeypatch.setenv(assets.ENV_VAR, str(tmp_path))
    assert not assets.assets_installed()
    monkeypatch.delenv(assets.ENV_VAR)
    assert assets.assets_dir() == Path(assets.__file__).resolve().parents[1] / "_assets"


def test_command_line_prints_dutch_result(assets_root: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(INSTALLER), "--dest", str(assets_root), "--zonder-jupyterlab"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1
    assert "kaartbestanden zijn al aanwezig" in lines[0]

    proc = subprocess.run(
        [sys.executable, str(INSTALLER), "--onzin"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Onbekende optie" in proc.stderr


def test_import_does_no_work() -> None:
    code = (
        "import sys, wijklib.notebook.offline as a; "
        "print(any(m.split('.')[0] in ('folium', 'branca') for m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"


# --- localizing -------------------------------------------------------------


def test_missing_assets_error_is_dutch_and_names_the_command(tmp_path: Path) -> None:
    m = simple_map()
    for call in (localize, map_html, show):
        with pytest.raises(AssetsMissingError) as info:
            call(m, mode="inline", assets=tmp_path / "nergens")
        message = str(info.value)
        assert "niet geïnstalleerd" in message
        assert "python -m wijklib.assets" in message and "py -m wijklib.assets" in message
        assert "make assets" in message


@pytest.mark.parametrize("call", [localize, map_html, show])
def test_missing_assets_fall_back_to_the_cdn_with_one_note(tmp_path: Path, call) -> None:
    m = simple_map()
    with pytest.warns(assets.CdnFallbackWarning) as record:
        out = call(m, assets=tmp_path / "nergens")
    assert len(record) == 1
    assert record[0].filename == __file__  # the note points at the notebook cell
    note = str(record[0].message)
    assert "niet op deze computer" in note and "zonder internet" in note
    assert "python -m wijklib.assets" in note and "Node.js is niet nodig" in note
    page = map_html(m, mode="cdn", assets=tmp_path / "nergens")
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in linked_urls(page)
    if call is show:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            inner = html.unescape(out._repr_html_())
        assert "cdn.jsdelivr.net/npm/leaflet@1.9.3" in inner
    # one note per session: the next maps stay quiet
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        call(simple_map(), assets=tmp_path / "nergens")


def test_auto_mode_embeds_when_installed(assets_root: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = localize(simple_map(), assets=assets_root)
    assert result.mode == "inline" and result.offline_ready


def test_cdn_mode_needs_no_assets(tmp_path: Path) -> None:
    page = map_html(simple_map(), mode="cdn", assets=tmp_path / "nergens")
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in linked_urls(page)


def test_inline_page_has_no_cdn_links(assets_root: Path) -> None:
    m = simple_map(tiles="OpenStreetMap")
    page = map_html(m, assets=assets_root)
    urls = linked_urls(page)
    assert not [u for u in urls if any(host in u for host in CDN_HOSTS)], urls
    assert "data-wijklib-asset" in page
    # CSS images and fonts are embedded, not referenced relatively
    assert "url(images/" not in page
    assert "url(../webfonts/" not in page
    assert "data:image/png;base64," in page
    assert "tile.openstreetmap.org" in page  # tiles stay online-only


def test_every_folium_default_link_has_a_local_copy(assets_root: Path) -> None:
    m = simple_map()
    folium.plugins.Draw(export=True).add_to(m)
    folium.Marker([52.09, 5.12], icon=folium.Icon(icon="info-sign")).add_to(m)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CdnLinkWarning)
        result = localize(m, assets=assets_root)
    expected = {
        url
        for _, url in [
            *folium.Map.default_js,
            *folium.Map.default_css,
            *folium.plugins.Draw.default_js,
            *folium.plugins.Draw.default_css,
        ]
    }
    assert expected <= set(result.localized)
    assert result.remote == []
    assert result.offline_ready


def test_link_without_local_copy_is_kept_and_reported(assets_root: Path) -> None:
    m = simple_map()
    folium.plugins.MarkerCluster().add_to(m)
    with pytest.warns(CdnLinkWarning, match="laadt nog bestanden van internet") as record:
        result = localize(m, assets=assets_root)
    assert record[0].filename == __file__  # the warning points at the caller
    assert any("leaflet.markercluster" in url for url in result.remote)
    assert not result.offline_ready
    with pytest.warns(CdnLinkWarning):
        page = map_html(m, assets=assets_root)
    assert any("leaflet.markercluster" in url for url in linked_urls(page))
    assert not any("leaflet@1.9.3" in url for url in linked_urls(page))


def test_folium_defaults_are_not_changed(assets_root: Path, tmp_path: Path) -> None:
    before = folium_defaults()
    m = simple_map()
    folium.plugins.Draw().add_to(m)
    localize(m, assets=assets_root)
    map_html(m, assets=assets_root)
    save_map(m, tmp_path / "kaart.html", assets=assets_root)
    show(m, assets=assets_root)._repr_html_()
    assert folium_defaults() == before
    # a new map without localize still uses the CDN links
    assert "https://code.jquery.com/jquery-3.7.1.min.js" in linked_urls(
        simple_map().get_root().render()
    )


def head(page: str) -> str:
    """Return the <head> part of a page.

    folium appends one more (harmless) ``layer.addTo(map)`` line to the
    page's script at every render, so only the head is compared.
    """
    return page.split("</head>", 1)[0]


def test_repeated_calls_and_mode_switch(assets_root: Path) -> None:
    m = simple_map()
    first = map_html(m, assets=assets_root)
    localize(m, assets=assets_root)
    second = map_html(m, assets=assets_root)
    assert head(first) == head(second)
    assert head(m.get_root().render()) == head(second)  # folium's own render is localized too
    cdn = map_html(m, mode="cdn", assets=assets_root)
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in linked_urls(cdn)
    assert "data-wijklib-asset" not in cdn
    assert head(map_html(m, assets=assets_root)) == head(first)
    with pytest.raises(ValueError, match="Onbekende mode"):
        localize(m, mode="lokaal", assets=assets_root)  # type: ignore[arg-type]


def test_figure_can_be_localized(assets_root: Path) -> None:
    m = simple_map()
    figure = m.get_root()
    result = localize(figure, assets=assets_root)
    assert result.offline_ready
    assert "data-wijklib-asset" in map_html(figure, assets=assets_root)


def test_tiles_none_renders_without_tile_layer(assets_root: Path) -> None:
    page = map_html(simple_map(tiles=None), assets=assets_root)
    assert "L.tileLayer" not in page
    assert "L.map(" in page


def test_save_map_writes_standalone_file(assets_root: Path, tmp_path: Path) -> None:
    target = save_map(simple_map(), tmp_path / "sub" / "kaart.html", assets=assets_root)
    assert target == tmp_path / "sub" / "kaart.html"
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not [u for u in linked_urls(page) if u.startswith(("http:", "https:", "//"))]


def test_show_uses_folium_iframe_with_localized_srcdoc(assets_root: Path) -> None:
    m = simple_map()
    view = show(m, assets=assets_root)
    out = view._repr_html_()
    assert out.startswith('<div style="width:100%;">')
    srcdoc = re.search(r'<iframe srcdoc="([^"]*)"', out)
    assert srcdoc is not None
    inner = html.unescape(srcdoc.group(1))
    assert head(inner) == head(map_html(m, assets=assets_root))
    assert not [u for u in linked_urls(inner) if any(host in u for host in CDN_HOSTS)]
    assert view.result is not None and view.result.offline_ready
    assert "Kaart" in repr(view)


def test_npm_cdn_links_match_exact_package_version_and_file(assets_root: Path) -> None:
    from branca.element import CssLink, JavascriptLink

    m = simple_map()
    header = m.get_root().header
    same = "https://unpkg.com/leaflet@1.9.3/dist/leaflet.js"
    other_version = "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css"
    header.add_child(JavascriptLink(same), name="leaflet_unpkg")
    header.add_child(CssLink(other_version), name="leaflet_194")
    with pytest.warns(CdnLinkWarning, match="leaflet@1.9.4"):
        result = localize(m, assets=assets_root)
    assert same in result.localized
    assert result.remote == [other_version]


def test_localized_map_can_be_pickled(assets_root: Path) -> None:
    import pickle

    m = simple_map()
    localize(m, assets=assets_root)
    copy_of_map = pickle.loads(pickle.dumps(m))
    assert head(map_html(copy_of_map, assets=assets_root)) == head(map_html(m, assets=assets_root))
