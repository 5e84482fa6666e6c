"""Tests of the loopback servers (tests/loopback.py) with the real clients.

``cbsodata`` and ``requests`` talk to the loopback servers exactly as they would talk to
``opendata.cbs.nl`` and ``api.pdok.nl``; expected values are computed from the fixture
files themselves.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cbsodata
import pytest
import requests
from loopback import (
    CbsODataServer,
    PdokServer,
    parse_odata_filter,
    too_many_records_message,
)

TABLE = "85984NED"  # Kerncijfers wijken en buurten 2024
TABLE_2023 = "85618NED"
TIMEOUT = 10
Row = dict[str, Any]

# ---------------------------------------------------------------------------------------
# helpers and fixtures
# ---------------------------------------------------------------------------------------


def _load(path: Path) -> Any:
    return json.loads(path.read_bytes())


@pytest.fixture(scope="module")
def cbs_fixtures(shared_dir: Path) -> Path:
    return shared_dir / "fixtures" / "cbs-odata"


@pytest.fixture(scope="module")
def pdok_fixtures(shared_dir: Path) -> Path:
    return shared_dir / "fixtures" / "pdok" / "wijken-en-buurten-2024"


@pytest.fixture(scope="module")
def typed_rows(cbs_fixtures: Path) -> list[Row]:
    """The rows of the 2024 TypedDataSet fixture (parsed once per module)."""
    return _load(cbs_fixtures / TABLE / "TypedDataSet.json")["value"]


@pytest.fixture(scope="module")
def small_api_server(cbs_fixtures: Path) -> Iterator[CbsODataServer]:
    """A separate server with a tiny ODataApi row limit (and unpaged feed)."""
    with CbsODataServer(cbs_fixtures, row_limit=100) as server:
        yield server


@pytest.fixture
def cbs_http() -> Iterator[None]:
    """Let ``cbsodata`` use plain http without proxies; restore its options after.

    The loopback server has no TLS. ``cbsodata`` copies ``http_proxy`` from the
    environment at import time and passes it to ``Session.send``, which ignores
    ``no_proxy``; so proxies are switched off explicitly.
    """
    old_https, old_requests = cbsodata.options.use_https, cbsodata.options.requests
    cbsodata.options.use_https = False
    cbsodata.options.requests = {**old_requests, "proxies": {"http": None, "https": None}}
    try:
        yield
    finally:
        cbsodata.options.use_https = old_https
        cbsodata.options.requests = old_requests


def _odata(server: CbsODataServer, path: str, **options: str) -> requests.Response:
    """GET ``path`` with OData options given without ``$`` (``filter=`` -> ``$filter=``)."""
    params = {"$format": "json", **{f"${key}": value for key, value in options.items()}}
    return requests.get(server.url + path, params=params, timeout=TIMEOUT)


def _odata_error(response: requests.Response) -> str:
    body = response.json()
    assert set(body) == {"odata.error"}
    assert body["odata.error"]["code"] == ""
    assert body["odata.error"]["message"]["lang"] == "en-US"
    return body["odata.error"]["message"]["value"]


def _follow_feed(server: CbsODataServer, first: requests.Response) -> list[dict[str, Any]]:
    """Return every page of a feed response, following ``odata.nextLink``."""
    pages = [first.json()]
    while "odata.nextLink" in pages[-1]:
        link = pages[-1]["odata.nextLink"]
        assert link.startswith(server.url + "/ODataFeed/odata/")
        response = requests.get(link, timeout=TIMEOUT)
        assert response.status_code == 200, response.text
        pages.append(response.json())
    return pages


# ---------------------------------------------------------------------------------------
# CBS OData: service document, paging, query options
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [f"/ODataFeed/odata/{TABLE}/", f"/ODataFeed/odata/{TABLE}"])
def test_root_lists_resources_with_local_urls(cbs_server: CbsODataServer, path: str) -> None:
    response = _odata(cbs_server, path)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["odata.metadata"] == f"{cbs_server.url}/ODataFeed/odata/{TABLE}/$metadata"
    names = [entry["name"] for entry in body["value"]]
    assert names == [
        "TableInfos",
        "UntypedDataSet",
        "TypedDataSet",
        "DataProperties",
        "CategoryGroups",
        "WijkenEnBuurten",
    ]
    for entry in body["value"]:
        assert entry["url"] == f"{cbs_server.url}/ODataFeed/odata/{TABLE}/{entry['name']}"


def test_api_root_points_at_api(cbs_server: CbsODataServer) -> None:
    body = _odata(cbs_server, f"/ODataApi/odata/{TABLE}/").json()
    assert all(e["url"].startswith(f"{cbs_server.url}/ODataApi/odata/") for e in body["value"])


def test_table_id_is_case_insensitive(cbs_server: CbsODataServer) -> None:
    response = _odata(cbs_server, f"/ODataFeed/OData/{TABLE.lower()}/TableInfos")
    assert response.status_code == 200
    assert response.json()["value"][0]["Identifier"] == TABLE


def test_feed_pages_whole_dataset(cbs_server: CbsODataServer, typed_rows: list[Row]) -> None:
    first = _odata(cbs_server, f"/ODataFeed/odata/{TABLE}/TypedDataSet")
    pages = _follow_feed(cbs_server, first)
    assert [len(p["value"]) for p in pages] == [1000, 1000, 1000, 847]
    assert all("odata.nextLink" in p for p in pages[:-1])
    assert "odata.nextLink" not in pages[-1]
    assert [row for p in pages for row in p["value"]] == typed_rows
    assert pages[0]["odata.metadata"].startswith(f"{cbs_server.url}/ODataFeed/odata/{TABLE}/")


def test_feed_paging_keeps_filter_and_select(
    cbs_server: CbsODataServer, typed_rows: list[Row]
) -> None:
    expected = [
        {"ID": r["ID"], "Codering_3": r["Codering_3"]}
        for r in typed_rows
        if r["Codering_3"].startswith("WK")
    ]
    first = _odata(
        cbs_server,
        f"/ODataFeed/odata/{TABLE}/TypedDataSet",
        filter="startswith(Codering_3,'WK')",
        select="ID,Codering_3",
    )
    pages = _follow_feed(cbs_server, first)
    assert len(expected) == 3393
    assert [len(p["value"]) for p in pages] == [1000, 1000, 1000, 393]
    for page, skip in zip(pages[:-1], (1000, 2000, 3000), strict=True):
        link = page["odata.nextLink"]
        assert "$filter=startswith(Codering_3,'WK')" in link
        assert "$select=ID,Codering_3" in link
        assert link.endswith(f"$skip={skip}")
    assert [row for p in pages for row in p["value"]] == expected


def test_feed_top_and_skip(cbs_server: CbsODataServer, typed_rows: list[Row]) -> None:
    first = _odata(
        cbs_server,
        f"/ODataFeed/odata/{TABLE}/TypedDataSet",
        top="1500",
        skip="100",
        select="ID",
    )
    pages = _follow_feed(cbs_server, first)
    assert [len(p["value"]) for p in pages] == [1000, 500]
    assert "$top=500" in pages[0]["odata.nextLink"]
    assert [r["ID"] for p in pages for r in p["value"]] == [r["ID"] for r in typed_rows[100:1600]]


def test_select_keeps_only_given_keys(cbs_server: CbsODataServer) -> None:
    response = _odata(
        cbs_server,
        f"/ODataApi/odata/{TABLE}/TypedDataSet",
        select="WijkenEnBuurten, AantalInwoners_5",
        filter="WijkenEnBuurten eq 'NL00      '",
    )
    assert response.status_code == 200
    assert response.json()["value"] == [
        {"WijkenEnBuurten": "NL00      ", "AantalInwoners_5": 17942942}
    ]


_FILTER_CASES: list[tuple[str, Callable[[Row], bool]]] = [
    ("substringof('GM0344', Codering_3)", lambda r: "GM0344" in r["Codering_3"]),
    ("startswith(Codering_3,'BU0344')", lambda r: r["Codering_3"].startswith("BU0344")),
    ("WijkenEnBuurten eq 'GM0344    '", lambda r: r["WijkenEnBuurten"] == "GM0344    "),
    ("SoortRegio_2 eq 'Buurt     '", lambda r: r["SoortRegio_2"] == "Buurt     "),
    ("SoortRegio_2 ne 'Wijk      '", lambda r: r["SoortRegio_2"] != "Wijk      "),
    (
        "startswith(Codering_3,'WK0344') or WijkenEnBuurten eq 'GM0344    '",
        lambda r: r["Codering_3"].startswith("WK0344") or r["WijkenEnBuurten"] == "GM0344    ",
    ),
    (
        "(startswith(Codering_3, 'BU') or startswith(Codering_3, 'WK')) "
        "and substringof('0344', Codering_3)",
        lambda r: r["Codering_3"][:2] in ("BU", "WK") and "0344" in r["Codering_3"],
    ),
    (
        "  startswith( Codering_3 ,'BU0344' )\tand\n SoortRegio_2   eq 'Buurt     ' ",
        lambda r: r["Codering_3"].startswith("BU0344") and r["SoortRegio_2"] == "Buurt     ",
    ),
    (
        "startswith(Gemeentenaam_1,'''s-Gravenhage') and SoortRegio_2 eq 'Gemeente  '",
        lambda r: (
            r["Gemeentenaam_1"].startswith("'s-Gravenhage") and r["SoortRegio_2"] == "Gemeente  "
        ),
    ),
    (
        "not startswith(Codering_3,'NL') and AantalInwoners_5 ge 500000",
        lambda r: (
            not r["Codering_3"].startswith("NL")
            and r["AantalInwoners_5"] is not None
            and r["AantalInwoners_5"] >= 500000
        ),
    ),
    ("k_0Tot15Jaar_8 ne null", lambda r: r["k_0Tot15Jaar_8"] is not None),
]


@pytest.mark.parametrize(("expression", "predicate"), _FILTER_CASES)
def test_filter_forms(
    cbs_server: CbsODataServer,
    typed_rows: list[Row],
    expression: str,
    predicate: Callable[[Row], bool],
) -> None:
    expected = [r["ID"] for r in typed_rows if predicate(r)]
    assert expected, "each case must select something"
    response = _odata(
        cbs_server, f"/ODataApi/odata/{TABLE}/TypedDataSet", filter=expression, select="ID"
    )
    assert response.status_code == 200, response.text
    assert [r["ID"] for r in response.json()["value"]] == expected


def test_padded_key_equality_is_exact(cbs_server: CbsODataServer) -> None:
    path = f"/ODataApi/odata/{TABLE}/TypedDataSet"
    padded = _odata(cbs_server, path, filter="WijkenEnBuurten eq 'GM0344    '", select="ID")
    bare = _odata(cbs_server, path, filter="WijkenEnBuurten eq 'GM0344'", select="ID")
    assert len(padded.json()["value"]) == 1
    assert bare.json()["value"] == []


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("Foo eq 'x'", "No property 'Foo'"),
        ("startswith(Codering_3,'BU'", "')' expected"),
        ("Codering_3 eq 'BU", "Unterminated string"),
        ("Codering_3 EQ 'BU'", "Syntax error"),
        ("contains(Codering_3,'BU')", "Unknown function 'contains'"),
        ("startswith(Codering_3)", "takes 2 argument"),
        ("Codering_3 eq", "operand expected"),
        ("Codering_3 eq 'x' and", "operand expected"),
        ("AantalInwoners_5 eq 'x'", "incompatible"),
        ("Codering_3", "boolean"),
        ("Codering_3 eq 'x'; drop", "unexpected character"),
        ("", "Expression expected"),
    ],
)
def test_bad_filter_is_400(cbs_server: CbsODataServer, expression: str, message: str) -> None:
    response = _odata(cbs_server, f"/ODataFeed/odata/{TABLE}/TypedDataSet", filter=expression)
    assert response.status_code == 400
    assert message in _odata_error(response)


@pytest.mark.parametrize(
    "options",
    [{"select": "ID,Nope"}, {"top": "-1"}, {"skip": "x"}, {"orderby": "ID"}],
)
def test_bad_query_options_are_400(cbs_server: CbsODataServer, options: dict[str, str]) -> None:
    response = _odata(cbs_server, f"/ODataFeed/odata/{TABLE}/WijkenEnBuurten", **options)
    assert response.status_code == 400
    assert _odata_error(response)


def test_json_only_when_asked(cbs_server: CbsODataServer) -> None:
    url = f"{cbs_server.url}/ODataFeed/odata/{TABLE}/TableInfos"
    assert requests.get(url, timeout=TIMEOUT).status_code == 406
    accept = requests.get(url, headers={"Accept": "application/json"}, timeout=TIMEOUT)
    assert accept.status_code == 200
    assert requests.get(url, params={"$format": "atom"}, timeout=TIMEOUT).status_code == 406


@pytest.mark.parametrize(
    "path",
    [
        "/ODataFeed/odata/99999NED/",
        f"/ODataFeed/odata/{TABLE}/Nope",
        f"/ODataApi/odata/{TABLE}/Perioden",
        f"/ODataFeed/odata/{TABLE}/$metadata",
        f"/ODataFeed/odata/{TABLE}/TypedDataSet/extra",
        "/",
        "/ODataCatalog/Nope",
    ],
)
def test_unknown_paths_are_404(cbs_server: CbsODataServer, path: str) -> None:
    response = _odata(cbs_server, path)
    assert response.status_code == 404
    assert _odata_error(response)


# ---------------------------------------------------------------------------------------
# CBS OData: the ODataApi row limit
# ---------------------------------------------------------------------------------------


def test_api_row_limit_message_with_real_default() -> None:
    assert "query returns more than 10000 records" in too_many_records_message()
    assert "query returns more than 10000 records" in too_many_records_message(10_000)


def test_api_under_default_limit_is_served(cbs_server: CbsODataServer) -> None:
    assert cbs_server.row_limit == 10_000
    response = _odata(cbs_server, f"/ODataApi/odata/{TABLE}/TypedDataSet", select="ID")
    assert response.status_code == 200
    body = response.json()
    assert len(body["value"]) == 3847
    assert "odata.nextLink" not in body


def test_api_over_limit_is_500(small_api_server: CbsODataServer) -> None:
    path = f"/ODataApi/odata/{TABLE}/TypedDataSet"
    over = _odata(small_api_server, path, filter="startswith(Codering_3,'BU0344')")
    assert over.status_code == 500
    assert "query returns more than 100 records" in _odata_error(over)
    assert _odata(small_api_server, f"/ODataApi/odata/{TABLE}/WijkenEnBuurten").status_code == 500
    top = _odata(small_api_server, path, filter="startswith(Codering_3,'BU0344')", top="100")
    assert top.status_code == 200
    assert len(top.json()["value"]) == 100
    feed = _odata(
        small_api_server,
        f"/ODataFeed/odata/{TABLE}/TypedDataSet",
        filter="startswith(Codering_3,'BU0344')",
    )
    assert feed.status_code == 200
    assert len(feed.json()["value"]) == 111


# ---------------------------------------------------------------------------------------
# CBS OData: catalogue
# ---------------------------------------------------------------------------------------


def test_catalog_raw(cbs_server: CbsODataServer) -> None:
    response = requests.get(f"{cbs_server.url}/ODataCatalog/Tables?$format=json", timeout=TIMEOUT)
    assert response.status_code == 200
    tables = {t["Identifier"]: t for t in response.json()["value"]}
    assert set(tables) == {TABLE, TABLE_2023}
    entry = tables[TABLE]
    for key in (
        "Identifier",
        "Title",
        "ShortTitle",
        "Summary",
        "Modified",
        "MetaDataModified",
        "Period",
        "Frequency",
        "Language",
        "Catalog",
        "ShortDescription",
        "RecordCount",
        "ColumnCount",
        "ApiUrl",
        "FeedUrl",
        "Updated",
        "ID",
        "OutputStatus",
    ):
        assert key in entry
    assert entry["Title"] == "Kerncijfers wijken en buurten 2024"
    assert entry["Period"] == "2024"
    assert entry["RecordCount"] == 3847
    assert entry["ApiUrl"] == f"{cbs_server.url}/ODataApi/OData/{TABLE}"
    assert entry["FeedUrl"] == f"{cbs_server.url}/ODataFeed/OData/{TABLE}"
    feed = requests.get(entry["FeedUrl"] + "/TableInfos?$format=json", timeout=TIMEOUT)
    assert feed.json()["value"][0]["Identifier"] == TABLE


def test_catalog_with_cbsodata(cbs_server: CbsODataServer, cbs_http: None) -> None:
    host = cbs_server.host_port
    everything = cbsodata.get_table_list(catalog_url=host)
    assert sorted(t["Identifier"] for t in everything) == [TABLE_2023, TABLE]
    kwb = cbsodata.get_table_list(
        filters="substringof('Kerncijfers wijken en buurten',Title)", catalog_url=host
    )
    assert len(kwb) == 2
    newest = cbsodata.get_table_list(
        select=["Identifier", "Period"], filters="Period eq '2024'", catalog_url=host
    )
    assert newest == [{"Identifier": TABLE, "Period": "2024"}]
    assert cbs_server.requests[0].startswith("/ODataCatalog/Tables?$format=json")


# ---------------------------------------------------------------------------------------
# CBS OData through cbsodata
# ---------------------------------------------------------------------------------------


def test_cbsodata_get_data_filtered(
    cbs_server: CbsODataServer, cbs_http: None, typed_rows: list[Row], cbs_fixtures: Path
) -> None:
    rows = cbsodata.get_data(
        TABLE, filters="startswith(Codering_3,'BU0344')", catalog_url=cbs_server.host_port
    )
    expected = [r for r in typed_rows if r["Codering_3"].startswith("BU0344")]
    assert len(rows) == len(expected) == 111
    titles = {
        d["Key"]: d["Title"] for d in _load(cbs_fixtures / TABLE / "WijkenEnBuurten.json")["value"]
    }
    for got, want in zip(rows, expected, strict=True):
        # cbsodata replaces the dimension key by its Title; the code stays in Codering_3
        assert got["WijkenEnBuurten"] == titles[want["WijkenEnBuurten"]]
        assert got["Codering_3"] == want["Codering_3"]
        assert got["AantalInwoners_5"] == want["AantalInwoners_5"]
    assert isinstance(rows[0]["AantalInwoners_5"], int)

    # typed=False (the default) downloads the TypedDataSet: the flag is inverted
    resources = {p.split("?")[0].rsplit("/", 1)[-1] for p in cbs_server.requests}
    assert "TypedDataSet" in resources
    assert "UntypedDataSet" not in resources
    # every metadata resource is downloaded too, the filter only applies to the data set
    assert resources == {
        "",
        "TableInfos",
        "TypedDataSet",
        "DataProperties",
        "CategoryGroups",
        "WijkenEnBuurten",
    }
    assert cbs_server.requests[0] == f"/ODataFeed/odata/{TABLE}/?$format=json"


def test_cbsodata_typed_true_gets_untyped_text(cbs_server: CbsODataServer, cbs_http: None) -> None:
    rows = cbsodata.get_data(
        TABLE_2023,
        typed=True,
        filters="WijkenEnBuurten eq 'GM0344    '",
        select=["WijkenEnBuurten", "Codering_3", "AantalInwoners_5"],
        catalog_url=cbs_server.host_port,
    )
    assert len(rows) == 1
    assert set(rows[0]) == {"WijkenEnBuurten", "Codering_3", "AantalInwoners_5"}
    assert rows[0]["WijkenEnBuurten"] == "Utrecht"
    assert isinstance(rows[0]["AantalInwoners_5"], str)
    assert any("/UntypedDataSet?" in p for p in cbs_server.requests)
    assert not any("/TypedDataSet?" in p for p in cbs_server.requests)


def test_cbsodata_follows_next_links(
    cbs_server: CbsODataServer, cbs_http: None, typed_rows: list[Row]
) -> None:
    rows = cbsodata.get_data(TABLE, catalog_url=cbs_server.host_port)
    assert len(rows) == 3847
    assert [r["ID"] for r in rows] == [r["ID"] for r in typed_rows]
    assert rows[0]["WijkenEnBuurten"] == "Nederland"
    data_requests = [p for p in cbs_server.requests if "/TypedDataSet?" in p]
    assert len(data_requests) == 4
    assert data_requests[-1].endswith("$skip=3000")
    # the big file is parsed once per server, however often it is served
    assert sum(f.endswith(f"{TABLE}/TypedDataSet.json") for f in cbs_server.loaded_files) == 1


def test_cbsodata_meta_and_info(
    cbs_server: CbsODataServer, cbs_http: None, cbs_fixtures: Path
) -> None:
    host = cbs_server.host_port
    props = cbsodata.get_meta(TABLE_2023, "DataProperties", catalog_url=host)
    assert props == _load(cbs_fixtures / TABLE_2023 / "DataProperties.json")["value"]
    info = cbsodata.get_info(TABLE, catalog_url=host)
    assert info["Identifier"] == TABLE
    assert info["Modified"] == "2025-03-27T02:00:00"
    assert cbsodata.get_meta(TABLE, "CategoryGroups", catalog_url=host) == []


def test_cbsodata_needs_use_https_false(cbs_server: CbsODataServer) -> None:
    assert cbsodata.options.use_https is True
    with pytest.raises(requests.exceptions.RequestException):
        cbsodata.get_info(TABLE, catalog_url=cbs_server.host_port, timeout=TIMEOUT)


def test_cbsodata_raises_on_server_errors(cbs_server: CbsODataServer, cbs_http: None) -> None:
    with pytest.raises(requests.HTTPError, match=r"Downloading table '99999NED' failed. 404"):
        cbsodata.get_info("99999NED", catalog_url=cbs_server.host_port)
    cbs_server.fail_next(1, 503)
    with pytest.raises(requests.HTTPError, match="503"):
        cbsodata.get_info(TABLE, catalog_url=cbs_server.host_port)
    # the fault is used up: no retry happened and the next call succeeds
    assert cbsodata.get_info(TABLE, catalog_url=cbs_server.host_port)["Identifier"] == TABLE
    assert len(cbs_server.requests) == 3


# ---------------------------------------------------------------------------------------
# base class behaviour: request log, faults, lifecycle, quietness, load once
# ---------------------------------------------------------------------------------------


def test_request_log_is_decoded_and_clearable(cbs_server: CbsODataServer) -> None:
    assert cbs_server.requests == []
    _odata(cbs_server, f"/ODataFeed/odata/{TABLE}/TableInfos", filter="ID eq 0")
    assert cbs_server.requests == [
        f"/ODataFeed/odata/{TABLE}/TableInfos?$format=json&$filter=ID eq 0"
    ]
    cbs_server.clear_requests()
    assert cbs_server.requests == []


def test_fail_next_and_delay_next(cbs_server: CbsODataServer) -> None:
    path = f"/ODataFeed/odata/{TABLE}/TableInfos"
    cbs_server.fail_next(2, 502)
    assert [_odata(cbs_server, path).status_code for _ in range(3)] == [502, 502, 200]
    cbs_server.delay_next(1, 0.3)
    start = time.monotonic()
    assert _odata(cbs_server, path).status_code == 200
    assert time.monotonic() - start >= 0.3
    cbs_server.delay_next(1, 0.5)
    with pytest.raises(requests.Timeout):
        requests.get(cbs_server.url + path, params={"$format": "json"}, timeout=0.1)
    cbs_server.fail_next(1)
    cbs_server.reset_faults()
    assert cbs_server.pending_faults == (0, 0)
    with pytest.raises(ValueError):
        cbs_server.fail_next(1, 200)


def test_servers_are_quiet(
    cbs_server: CbsODataServer, pdok_server: PdokServer, capfd: pytest.CaptureFixture[str]
) -> None:
    _odata(cbs_server, f"/ODataFeed/odata/{TABLE}/TableInfos")
    _odata(cbs_server, "/nothing")
    requests.get(f"{pdok_server.url}/cbs/nothing", timeout=TIMEOUT)
    requests.post(f"{pdok_server.url}/cbs/nothing", timeout=TIMEOUT)
    out, err = capfd.readouterr()
    assert out == err == ""


def test_lifecycle(cbs_fixtures: Path) -> None:
    server = CbsODataServer(cbs_fixtures)
    with pytest.raises(RuntimeError):
        _ = server.url
    with server:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
        assert server.host_port == server.url.removeprefix("http://")
        url = server.url
        assert _odata(server, f"/ODataFeed/odata/{TABLE_2023}/TableInfos").status_code == 200
    server.stop()  # idempotent
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=TIMEOUT)
    with pytest.raises(FileNotFoundError):
        CbsODataServer(cbs_fixtures / "missing")


def test_concurrent_first_requests_load_once(cbs_fixtures: Path) -> None:
    with CbsODataServer(cbs_fixtures) as server:
        statuses: list[int] = []
        lock = threading.Lock()

        def fetch() -> None:
            response = _odata(server, f"/ODataFeed/odata/{TABLE_2023}/TypedDataSet", top="5")
            with lock:
                statuses.append(response.status_code)

        threads = [threading.Thread(target=fetch) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [200] * 8
        assert sum(f.endswith("TypedDataSet.json") for f in server.loaded_files) == 1


def test_filter_parser_unit() -> None:
    predicate = parse_odata_filter("tolower(trim(A)) eq 'x y' or length(B) gt 3", {"A", "B"})
    assert predicate({"A": " X Y ", "B": ""})
    assert predicate({"A": "z", "B": "abcd"})
    assert not predicate({"A": "z", "B": None})
    assert parse_odata_filter("not (A eq 1.5 or A eq 2)")({"A": 3})
    assert parse_odata_filter("A eq 'it''s'")({"A": "it's"})


# ---------------------------------------------------------------------------------------
# PDOK OGC API Features
# ---------------------------------------------------------------------------------------

PDOK_BASE = "/cbs/wijken-en-buurten-2024/ogc/v1"


def _items(server: PdokServer, collection: str, **params: str | int) -> requests.Response:
    url = f"{server.url}{PDOK_BASE}/collections/{collection}/items"
    return requests.get(url, params={"f": "json", **params}, timeout=TIMEOUT)


def _next(body: dict[str, Any]) -> str | None:
    links = [link["href"] for link in body["links"] if link["rel"] == "next"]
    assert len(links) <= 1
    return links[0] if links else None


def test_pdok_utrecht_buurten_across_pages(pdok_server: PdokServer, pdok_fixtures: Path) -> None:
    expected = sorted(
        f["properties"]["buurtcode"]
        for f in _load(pdok_fixtures / "buurten.json")["features"]
        if f["properties"]["gemeentecode"] == "GM0344"
    )
    response = _items(pdok_server, "buurten", gemeentecode="GM0344", limit=50)
    pages: list[dict[str, Any]] = []
    while True:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/geo+json"
        body = response.json()
        pages.append(body)
        assert body["type"] == "FeatureCollection"
        assert body["numberReturned"] == len(body["features"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["timeStamp"])
        assert [link["rel"] for link in body["links"]][0] == "self"
        link = _next(body)
        if link is None:
            break
        assert link.startswith(f"{pdok_server.url}{PDOK_BASE}/collections/buurten/items?")
        assert "gemeentecode=GM0344" in link and "limit=50" in link
        response = requests.get(link, timeout=TIMEOUT)
    assert [p["numberReturned"] for p in pages] == [50, 50, 11]
    codes = [f["properties"]["buurtcode"] for p in pages for f in p["features"]]
    assert sorted(codes) == expected
    assert len(set(codes)) == 111


def test_pdok_default_limit_and_cap(pdok_server: PdokServer) -> None:
    assert _items(pdok_server, "gemeenten").json()["numberReturned"] == 10
    body = _items(pdok_server, "wijken", limit=5000).json()
    assert body["numberReturned"] == 1000
    assert "limit=1000" in (_next(body) or "")


def test_pdok_offset_and_filters(pdok_server: PdokServer, pdok_fixtures: Path) -> None:
    gemeenten = _load(pdok_fixtures / "gemeenten.json")["features"]
    body = _items(pdok_server, "gemeenten", offset=100, limit=10).json()
    assert body["features"] == gemeenten[100:110]
    assert any(link["rel"] == "prev" for link in body["links"])
    wijk = _items(pdok_server, "buurten", gemeentecode="GM0344", wijkcode="WK034401", limit=100)
    props = [f["properties"] for f in wijk.json()["features"]]
    assert props and all(p["wijkcode"] == "WK034401" for p in props)
    assert _next(wijk.json()) is None
    empty = _items(pdok_server, "buurten", gemeentecode="GM9999").json()
    assert empty["features"] == [] and empty["numberReturned"] == 0 and _next(empty) is None


def test_pdok_metadata_and_single_item(pdok_server: PdokServer) -> None:
    base = pdok_server.url + PDOK_BASE
    collections = requests.get(f"{base}/collections?f=json", timeout=TIMEOUT).json()
    assert [c["id"] for c in collections["collections"]] == ["buurten", "gemeenten", "wijken"]
    collection = requests.get(f"{base}/collections/wijken", timeout=TIMEOUT).json()
    assert collection["id"] == "wijken"
    assert any(link["rel"] == "items" for link in collection["links"])
    assert requests.get(base, timeout=TIMEOUT).status_code == 200
    item = requests.get(f"{base}/collections/gemeenten/items/1?f=json", timeout=TIMEOUT)
    assert item.headers["Content-Type"] == "application/geo+json"
    assert item.json()["properties"]["gemeentecode"] == "GM0998"


@pytest.mark.parametrize(
    "path",
    [
        "/cbs/wijken-en-buurten-2019/ogc/v1/collections/buurten/items",
        f"{PDOK_BASE}/collections/provincies/items",
        f"{PDOK_BASE}/collections/buurten/items/999999",
        f"{PDOK_BASE}/nothing",
        "/cbs/nothing",
    ],
)
def test_pdok_404(pdok_server: PdokServer, path: str) -> None:
    response = requests.get(pdok_server.url + path, timeout=TIMEOUT)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": "abc"},
        {"offset": -1},
        {"gemeente_code": "GM0344"},
        {"f": "html"},
        {"crs": "http://www.opengis.net/def/crs/EPSG/0/28992"},
    ],
)
def test_pdok_400(pdok_server: PdokServer, params: dict[str, str | int]) -> None:
    response = _items(pdok_server, "buurten", **params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_pdok_fail_next(pdok_server: PdokServer) -> None:
    pdok_server.fail_next(2)
    statuses = [_items(pdok_server, "gemeenten", limit=1).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert len(pdok_server.requests) == 3
    assert pdok_server.requests[0] == f"{PDOK_BASE}/collections/gemeenten/items?f=json&limit=1"


# ---------------------------------------------------------------------------------------
# spoiled answers (fault_first / fault_next) and the counters
# ---------------------------------------------------------------------------------------


def test_fault_first_spoils_the_first_answers_of_every_url(cbs_server: CbsODataServer) -> None:
    cbs_server.fault_first(2, kind="status", status=502)
    url = f"{cbs_server.url}/ODataFeed/odata/{TABLE}/TableInfos"
    other = f"{cbs_server.url}/ODataFeed/odata/{TABLE}/CategoryGroups"
    statuses = [requests.get(url, params={"$format": "json"}, timeout=TIMEOUT).status_code
                for _ in range(3)]
    assert statuses == [502, 502, 200]
    assert requests.get(other, params={"$format": "json"}, timeout=TIMEOUT).status_code == 502


def test_dropped_body_breaks_the_read(cbs_server: CbsODataServer) -> None:
    cbs_server.fault_next(1, kind="drop")
    url = f"{cbs_server.url}/ODataFeed/odata/{TABLE}/DataProperties"
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(url, params={"$format": "json"}, timeout=TIMEOUT).content  # noqa: B018
    assert requests.get(url, params={"$format": "json"}, timeout=TIMEOUT).json()["value"]


def test_truncated_answer_is_complete_http_but_broken_json(pdok_server: PdokServer) -> None:
    pdok_server.fault_next(1, kind="truncate")
    url = f"{pdok_server.url}/cbs/wijken-en-buurten-2024/ogc/v1/collections/wijken/items"
    response = requests.get(url, params={"f": "json", "limit": 5}, timeout=TIMEOUT)
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


def test_hang_is_released_by_reset(cbs_server: CbsODataServer) -> None:
    cbs_server.fault_next(1, kind="hang")
    url = f"{cbs_server.url}/ODataFeed/odata/{TABLE}/TableInfos"
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(url, params={"$format": "json"}, timeout=0.3)
    cbs_server.reset_faults()
    assert requests.get(url, params={"$format": "json"}, timeout=TIMEOUT).status_code == 200


def test_counters_of_connections_and_bytes(cbs_server: CbsODataServer) -> None:
    url = f"{cbs_server.url}/ODataFeed/odata/{TABLE}/TableInfos"
    with requests.Session() as session:
        bodies = [session.get(url, params={"$format": "json"}, timeout=TIMEOUT).content
                  for _ in range(3)]
    assert cbs_server.connections == 1
    assert cbs_server.bytes_sent == sum(len(b) for b in bodies), cbs_server.requests
    cbs_server.clear_requests()
    assert cbs_server.connections == 0 and cbs_server.bytes_sent == 0


def test_synthetic_buurten_are_marked_and_consistent(cbs_fixtures: Path) -> None:
    from loopback import synthetic_buurt_rows

    rows = _load(cbs_fixtures / TABLE / "TypedDataSet.json")["value"]
    extra = synthetic_buurt_rows(rows, 2)
    wijken = [r for r in rows if r["SoortRegio_2"].strip() == "Wijk"
              and not r["Codering_3"].startswith("WK0344")]
    assert len(extra) == 2 * len(wijken)
    codes = {row["Codering_3"] for row, _ in extra}
    assert len(codes) == len(extra) and not codes & {r["Codering_3"].strip() for r in rows}
    assert all(name.startswith("Synthetische buurt") for _, name in extra)
