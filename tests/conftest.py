"""Shared pytest fixtures of the wijklib test suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import CbsODataServer, LoopbackServer, PdokServer

# ---------------------------------------------------------------------------------------
# Loopback servers (tests/loopback.py) standing in for CBS StatLine and PDOK
# ---------------------------------------------------------------------------------------

_SERVER_FIXTURES = (
    "cbs_server", "pdok_server", "cbs_server_2017", "pdok_server_2017", "politie_server"
)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's read-only ``shared`` folder (``$WIJKLIB_SHARED``, else ``<repo>/../shared``).

    Returns
    -------
    Path
        The folder; the test is skipped when it does not exist.
    """
    default = Path(__file__).resolve().parents[1].parent / "shared"
    path = Path(os.environ.get("WIJKLIB_SHARED") or default)
    if not path.is_dir():
        pytest.skip(f"shared folder not found at {path} (set WIJKLIB_SHARED)")
    return path


def _fixture_folder(shared_dir: Path, name: str) -> Path:
    folder = shared_dir / "fixtures" / name
    if not folder.is_dir():
        pytest.skip(f"wire-format fixtures not found at {folder}")
    return folder


@pytest.fixture(scope="session")
def cbs_server(shared_dir: Path) -> Iterator[CbsODataServer]:
    """CBS OData loopback server for the whole session (feed pages of 1 000 rows).

    Yields
    ------
    CbsODataServer
        The running server; point ``cbsodata`` at ``cbs_server.host_port`` over http.
    """
    with CbsODataServer(_fixture_folder(shared_dir, "cbs-odata"), page_size=1000) as server:
        yield server


@pytest.fixture(scope="session")
def pdok_server(shared_dir: Path) -> Iterator[PdokServer]:
    """PDOK OGC API Features loopback server for the whole session (limit capped at 1 000).

    Yields
    ------
    PdokServer
        The running server; its ``url`` replaces ``https://api.pdok.nl``.
    """
    with PdokServer(_fixture_folder(shared_dir, "pdok"), max_limit=1000) as server:
        yield server


@pytest.fixture(scope="session")
def politie_server(shared_dir: Path) -> Iterator[CbsODataServer]:
    """Loopback stand-in for ``dataderden.cbs.nl`` serving the police table 47018NED.

    Yields
    ------
    CbsODataServer
        The running server (same OData v3 protocol as opendata.cbs.nl).
    """
    with CbsODataServer(_fixture_folder(shared_dir, "cbs-dataderden"), page_size=100) as server:
        yield server


@pytest.fixture(scope="session", autouse=True)
def _police_on_loopback(politie_server: CbsODataServer) -> Iterator[None]:
    """Every test (and every notebook kernel it starts) asks the loopback police server,
    never the real dataderden.cbs.nl; a test may still point elsewhere with monkeypatch."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WIJKLIB_POLITIE_URL", politie_server.url)
        yield


@pytest.fixture
def politie(
    services: tuple[CbsODataServer, PdokServer],
    politie_server: CbsODataServer,
    monkeypatch: pytest.MonkeyPatch,
) -> CbsODataServer:
    """wijklib talks to the loopback CBS, PDOK and police servers (empty cache)."""
    monkeypatch.setenv("WIJKLIB_POLITIE_URL", politie_server.url)
    return politie_server


@pytest.fixture(autouse=True)
def _reset_loopback_servers(request: pytest.FixtureRequest) -> Iterator[None]:
    """Give each test that uses a loopback server a clean request log and no faults.

    Only servers the test (directly or through other fixtures) asks for are touched, so
    tests without servers do not start them.
    """
    servers: list[LoopbackServer] = [
        request.getfixturevalue(name) for name in _SERVER_FIXTURES if name in request.fixturenames
    ]
    for server in servers:
        server.reset_faults()
        server.clear_requests()
    yield
    for server in servers:
        server.reset_faults()


# ---------------------------------------------------------------------------------------
# wijklib pointed at the loopback servers
# ---------------------------------------------------------------------------------------


def point_wijklib_at(
    monkeypatch: pytest.MonkeyPatch, cbs_url: str, pdok_url: str, cache: Path
) -> None:
    """Set the environment variables that wijklib reads (fast retries for tests)."""
    monkeypatch.setenv("WIJKLIB_CBS_URL", cbs_url)
    monkeypatch.setenv("WIJKLIB_PDOK_URL", pdok_url)
    monkeypatch.setenv("WIJKLIB_CACHE", str(cache))
    monkeypatch.setenv("WIJKLIB_EXPORT", str(cache.parent / "export"))
    monkeypatch.setenv("WIJKLIB_BACKOFF", "0.01")
    monkeypatch.setenv("WIJKLIB_RETRIES", "3")
    monkeypatch.setenv("WIJKLIB_TIMEOUT", "20")


@pytest.fixture
def services(
    cbs_server: CbsODataServer,
    pdok_server: PdokServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[CbsODataServer, PdokServer]:
    """wijklib talks to the loopback servers, with an empty cache of its own."""
    point_wijklib_at(monkeypatch, cbs_server.url, pdok_server.url, tmp_path / "cache")
    return cbs_server, pdok_server


@pytest.fixture(scope="session")
def world_2017(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fixture folders with a 2017 table and map of Zaanstad next to 2023/2024 (tests/kwb2017.py).

    Returns
    -------
    Path
        A folder with ``cbs-odata/`` and ``pdok/``, built once per session from ``shared``.
    """
    from kwb2017 import build_cbs, build_pdok

    _fixture_folder(shared_dir, "cbs-odata")
    if not (shared_dir / "data" / "kwb-2017-metadata").is_dir():
        pytest.skip("the 2017 metadata is not in the shared folder")
    root = tmp_path_factory.mktemp("world-2017")
    build_cbs(shared_dir, root / "cbs-odata")
    build_pdok(shared_dir, root / "pdok")
    return root


@pytest.fixture(scope="session")
def cbs_server_2017(world_2017: Path) -> Iterator[CbsODataServer]:
    """CBS loopback server whose catalogue has the 2017, 2023 and 2024 tables."""
    with CbsODataServer(world_2017 / "cbs-odata", page_size=1000) as server:
        yield server


@pytest.fixture(scope="session")
def pdok_server_2017(world_2017: Path) -> Iterator[PdokServer]:
    """PDOK loopback server with the 2017 map of Zaanstad and the 2024 fixtures."""
    with PdokServer(world_2017 / "pdok", max_limit=1000) as server:
        yield server


@pytest.fixture
def services_2017(
    cbs_server_2017: CbsODataServer,
    pdok_server_2017: PdokServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[CbsODataServer, PdokServer]:
    """wijklib talks to the 2017 world, with an empty cache of its own."""
    point_wijklib_at(monkeypatch, cbs_server_2017.url, pdok_server_2017.url, tmp_path / "cache")
    return cbs_server_2017, pdok_server_2017


@pytest.fixture(scope="session")
def utrecht_cache(
    cbs_server: CbsODataServer, pdok_server: PdokServer, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A cache filled once per session by ``python -m wijklib download`` for Utrecht."""
    cache = tmp_path_factory.mktemp("utrecht-cache")
    with pytest.MonkeyPatch.context() as mp:
        point_wijklib_at(mp, cbs_server.url, pdok_server.url, cache)
        from wijklib.__main__ import main

        assert main(["download", "--gemeente", "Utrecht", "--stil"]) == 0
    return cache


@pytest.fixture
def warm(
    utrecht_cache: Path,
    cbs_server: CbsODataServer,
    pdok_server: PdokServer,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[CbsODataServer, PdokServer]:
    """wijklib with the session's warm Utrecht cache (read-only use, please)."""
    point_wijklib_at(monkeypatch, cbs_server.url, pdok_server.url, utrecht_cache)
    cbs_server.clear_requests()
    pdok_server.clear_requests()
    return cbs_server, pdok_server


@pytest.fixture
def closed_port_url() -> str:
    """An http URL on loopback where nothing listens (a server that is down)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def map_assets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline map libraries, installed from npm once per session."""
    from tools.install_assets import install_assets

    return install_assets(tmp_path_factory.getbasetemp() / "wijklib-assets")


@pytest.fixture
def notebook_export(map_assets: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """For a notebook run: offline map files, an export folder of this test only (returned)
    and the default minimum group size."""
    monkeypatch.setenv("WIJKLIB_ASSETS", str(map_assets))
    monkeypatch.setenv("WIJKLIB_EXPORT", str(tmp_path / "export"))
    monkeypatch.delenv("WIJKLIB_MIN_GROEP", raising=False)
    return tmp_path / "export"
