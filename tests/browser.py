"""Open pages in headless Chromium and report what went wrong.

Test helper for maps and exports, built on Playwright's sync API with
Debian's Chromium (``apt-get install chromium``); ``playwright install`` is
not needed.

* :func:`open_page` opens a file or URL, waits, saves a full-page screenshot
  and returns a :class:`PageReport`: uncaught JavaScript errors, console
  errors, dialogs (``alert``/``confirm``/``prompt``, dismissed), failed local
  requests and failed remote requests (kept apart: remote ones such as map
  tiles are expected to fail offline), and the title.
* :func:`browse` is a context manager that keeps the page open for queries:
  ``session.evaluate(js)``, ``session.evaluate_all_frames(js)`` (for folium's
  notebook ``<iframe srcdoc>``), ``session.hover(selector)``.
* :class:`Chromium` keeps one browser for many pages (use it as a
  session-scoped fixture); each page gets a fresh browser context.
* :meth:`PageSession.accessibility` runs axe-core (:func:`axe_script`, fetched once
  from the npm registry with its sha512 check into ``test-artifacts/``) on the open page
  and returns the WCAG 2 A/AA violations; :func:`describe_violations` prints them.

By default every request to a host other than this machine is blocked, so a
test behaves the same with and without internet.

Example
-------
>>> with Chromium() as chromium:
...     with chromium.browse(Path("map.html")) as session:
...         n = session.evaluate("document.querySelectorAll('path').length")
...     report = chromium.open_page(Path("map.html"))
"""

from __future__ import annotations

import ipaddress
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:  # pragma: no cover - typing only
    from playwright.sync_api import Browser, Frame, Page, Playwright, Route

#: Repository root (this file lives in ``tests/``).
REPO_ROOT = Path(__file__).resolve().parents[1]
#: Default folder for screenshots (git-ignored).
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"
#: Flags for a quiet, reproducible headless Chromium.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
#: axe-core from the npm registry (fetched with wijklib's own installer: HTTPS + sha512).
AXE_VERSION = "4.10.3"
#: Set to a local ``axe.min.js`` to use that one (a machine without the npm registry).
AXE_ENV_VAR = "WIJKLIB_AXE"
#: The WCAG rules that count (axe tags): WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
#: Impacts that fail a test.
SEVERE = ("serious", "critical")
_LOCAL_HOSTS = {"localhost", "localhost.localdomain", ""}
_LOCAL_SCHEMES = {"file", "data", "blob", "about", "chrome", "chrome-error", "devtools"}


def axe_script() -> str:
    """The text of ``axe.min.js`` (cached in ``test-artifacts/axe-core-<version>/``).

    Fetched once with :func:`wijklib.notebook.installer.fetch_package`: the npm registry's
    tarball over HTTPS, checked against its sha512 integrity. ``$WIJKLIB_AXE`` points at
    a local copy instead.

    Raises
    ------
    RuntimeError
        When the registry cannot be reached and there is no copy (Dutch message).
    """
    import os

    own = os.environ.get(AXE_ENV_VAR, "").strip()
    if own:
        return Path(own).read_text("utf-8")
    cache = ARTIFACTS_DIR / f"axe-core-{AXE_VERSION}"
    script = cache / "axe-core" / "axe.min.js"
    if not script.is_file():
        import tempfile

        from wijklib.guarantees.writing import atomic_write_text
        from wijklib.notebook.installer import fetch_package
        from wijklib.notebook.offline import AssetInstallError

        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=ARTIFACTS_DIR) as work:
            try:
                folder = fetch_package("axe-core", AXE_VERSION, work)
            except AssetInstallError as err:
                raise RuntimeError(
                    f"axe-core {AXE_VERSION} kon niet worden opgehaald ({err}). Zet "
                    f"{AXE_ENV_VAR} op een lokale axe.min.js."
                ) from err
            atomic_write_text(script, (folder / "axe.min.js").read_text("utf-8"))
    return script.read_text("utf-8")


def describe_violations(violations: list[dict[str, Any]], where: str = "") -> str:
    """The violations as readable lines: rule, impact, help, and the elements."""
    lines = [f"{len(violations)} toegankelijkheidsfout(en) {where}".rstrip()]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
                     f"({violation.get('helpUrl', '')})")
        for node in violation.get("nodes", [])[:5]:
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    {target}: {node.get('html', '')[:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(violation.get("nodes", [])) > 5:
            lines.append(f"    … en nog {len(violation['nodes']) - 5}")
    return "\n".join(lines)


def find_chromium() -> str:
    """Return the path of Debian's Chromium.

    Raises
    ------
    RuntimeError
        When ``chromium`` is not on the PATH (message in Dutch).
    """
    path = shutil.which("chromium")
    if path is None:
        raise RuntimeError(
            "Chromium is niet gevonden. De browsertests hebben het nodig. "
            "Installeer het met: apt-get install -y chromium"
        )
    return path


def is_local_url(url: str) -> bool:
    """Tell whether a URL stays on this machine (file, data, localhost, ...).

    Parameters
    ----------
    url : str
        Any URL.

    Returns
    -------
    bool
        True for ``file:``, ``data:``, ``blob:``, ``about:`` and http(s) on a
        loopback address or ``localhost``.
    """
    parts = urlsplit(url)
    if parts.scheme in _LOCAL_SCHEMES:
        return True
    host = (parts.hostname or "").lower()
    if host in _LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _target_url(target: Path | str) -> str:
    if isinstance(target, str) and re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
        return target
    path = Path(target).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"Het bestand {path} bestaat niet.")
    return path.as_uri()


def _default_screenshot(url: str) -> Path:
    """Return ``test-artifacts/<folder>-<name>.png`` for a URL (stable across runs)."""
    parts = urlsplit(url)
    path = Path(parts.path)
    words = [parts.hostname or "", path.parent.name, path.stem or "pagina"]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", "-".join(w for w in words if w)).strip("-")
    return ARTIFACTS_DIR / f"{name[-80:] or 'pagina'}.png"


@dataclass
class PageReport:
    """What happened while a page was open.

    Attributes
    ----------
    url : str
        The opened URL.
    title : str
        The page title.
    page_errors : list of str
        Uncaught JavaScript errors (also from iframes).
    console_errors : list of str
        ``console.error`` messages, except "Failed to load resource" for
        remote URLs (those are in ``failed_remote``).
    dialogs : list of str
        Dialogs as ``"<type>: <message>"``, e.g. ``"alert: 1"``; all were
        dismissed.
    failed_local : list of str
        Failed requests to this machine (``file:``, localhost, ...), as
        ``"<url> (<reason>)"``.
    failed_remote : list of str
        Failed or blocked requests to the internet (map tiles, CDNs).
    screenshot : Path or None
        The saved screenshot.
    """

    url: str
    title: str = ""
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    failed_local: list[str] = field(default_factory=list)
    failed_remote: list[str] = field(default_factory=list)
    screenshot: Path | None = None

    @property
    def problems(self) -> list[str]:
        """All findings except failed remote requests."""
        return [
            *(f"JavaScript-fout: {e}" for e in self.page_errors),
            *(f"console-fout: {e}" for e in self.console_errors),
            *(f"dialoogvenster: {d}" for d in self.dialogs),
            *(f"lokaal bestand niet geladen: {r}" for r in self.failed_local),
        ]

    def assert_clean(self) -> None:
        """Raise AssertionError (in Dutch) when :attr:`problems` is not empty."""
        if self.problems:
            lines = "\n  ".join(self.problems)
            raise AssertionError(f"De pagina {self.url} heeft problemen:\n  {lines}")


class PageSession:
    """An open page: its live :class:`PageReport` plus a few query helpers.

    Parameters
    ----------
    page : playwright.sync_api.Page
        The Playwright page (also available as ``.page`` for anything else).
    report : PageReport
        Filled in while the page is open.
    """

    def __init__(self, page: Page, report: PageReport) -> None:
        self.page = page
        self.report = report

    def evaluate(self, js: str, arg: Any = None) -> Any:
        """Evaluate a JavaScript expression or function in the main frame."""
        return self.page.evaluate(js, arg)

    def evaluate_all_frames(self, js: str, arg: Any = None) -> list[Any]:
        """Evaluate ``js`` in every frame (main frame first, then iframes)."""
        return [frame.evaluate(js, arg) for frame in self.page.frames]

    def frame_with(self, selector: str) -> Frame | None:
        """Return the first frame (main frame included) that has ``selector``."""
        for frame in self.page.frames:
            if frame.query_selector(selector) is not None:
                return frame
        return None

    def hover(self, selector: str, *, wait_ms: int = 300) -> None:
        """Move the mouse over the first match of ``selector`` in any frame."""
        frame = self.frame_with(selector)
        if frame is None:
            raise AssertionError(f"Geen element gevonden voor {selector!r}.")
        frame.locator(selector).first.hover()
        self.page.wait_for_timeout(wait_ms)

    def accessibility(self, impacts: tuple[str, ...] = SEVERE,
                      rules: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        """Run axe-core on the page and return its violations.

        Parameters
        ----------
        impacts : tuple of str
            Keep violations with these impacts (default: serious and critical).
        rules : tuple of str, optional
            Run only these axe rules (e.g. the best-practice ``landmark-one-main``);
            default every rule tagged WCAG 2.0/2.1 A or AA (:data:`WCAG_TAGS`).

        Returns
        -------
        list of dict
            axe's violation objects (``id``, ``impact``, ``help``, ``nodes`` …).
        """
        # evaluated through the DevTools protocol, so a page's Content-Security-Policy
        # (the buurtagenda has one) does not block it; add_script_tag would be blocked
        self.page.evaluate(axe_script() + "\n;void 0")
        only = ({"type": "rule", "values": list(rules)} if rules
                else {"type": "tag", "values": list(WCAG_TAGS)})
        result = self.page.evaluate(
            "only => axe.run(document, {runOnly: only, resultTypes: ['violations']})", only)
        return [v for v in result["violations"] if v.get("impact") in impacts]

    def wait(self, ms: int) -> None:
        """Let the page run for ``ms`` milliseconds."""
        self.page.wait_for_timeout(ms)

    def screenshot(self, path: Path | None = None) -> Path:
        """Save a full-page screenshot (default: in ``test-artifacts/``)."""
        target = path if path is not None else _default_screenshot(self.report.url)
        target.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(target), full_page=True)
        self.report.screenshot = target
        return target


class _Driver:
    """The Playwright driver, shared by all running :class:`Chromium` objects.

    Playwright's sync API allows one driver per thread at a time, so it is
    started for the first browser and stopped after the last one closes.
    """

    playwright: Playwright | None = None
    users = 0

    @classmethod
    def acquire(cls) -> Playwright:
        if cls.playwright is None:
            from playwright.sync_api import sync_playwright

            cls.playwright = sync_playwright().start()
        cls.users += 1
        return cls.playwright

    @classmethod
    def release(cls) -> None:
        cls.users = max(cls.users - 1, 0)
        if cls.users == 0 and cls.playwright is not None:
            cls.playwright.stop()
            cls.playwright = None


class Chromium:
    """One headless Chromium for many pages.

    Playwright's ``launch`` gives the browser a fresh temporary profile
    (user-data-dir) that is removed on close; every page also gets its own
    browser context, so pages share no state.

    Parameters
    ----------
    executable : str, optional
        Browser binary; default :func:`find_chromium`.
    """

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or find_chromium()
        self._browser: Browser | None = None

    def start(self) -> Chromium:
        """Start the browser (no-op when it is running)."""
        if self._browser is None:
            playwright = _Driver.acquire()
            try:
                self._browser = playwright.chromium.launch(
                    executable_path=self.executable, args=list(CHROMIUM_ARGS), headless=True
                )
            except Exception:
                _Driver.release()
                raise
        return self

    def close(self) -> None:
        """Close the browser (and the driver when no other browser uses it)."""
        if self._browser is not None:
            try:
                self._browser.close()
            finally:
                self._browser = None
                _Driver.release()

    def __enter__(self) -> Chromium:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def browse(
        self,
        target: Path | str,
        *,
        wait_ms: int = 500,
        width: int = 1200,
        height: int = 800,
        offline: bool = True,
    ) -> Iterator[PageSession]:
        """Open a page and keep it open inside the ``with`` block.

        Parameters
        ----------
        target : Path or str
            A local file or a URL (``file:``, ``http:``, ...).
        wait_ms : int, default 500
            Extra time after the ``load`` event for scripts to run.
        width, height : int
            Viewport size in CSS pixels.
        offline : bool, default True
            Block every request that leaves this machine (it is recorded in
            ``failed_remote``), so results do not depend on internet access.

        Yields
        ------
        PageSession
            The open page with its report.
        """
        url = _target_url(target)
        browser = self.start()._browser
        assert browser is not None
        context = browser.new_context(viewport={"width": width, "height": height})
        report = PageReport(url=url)
        try:
            if offline:

                def block_remote(route: Route) -> None:
                    if is_local_url(route.request.url):
                        route.continue_()
                    else:
                        route.abort("internetdisconnected")

                context.route("**/*", block_remote)
            page = context.new_page()
            _attach_listeners(page, report)
            page.goto(url, wait_until="load")
            if wait_ms:
                page.wait_for_timeout(wait_ms)
            report.title = page.title()
            yield PageSession(page, report)
        finally:
            context.close()

    def open_page(
        self,
        target: Path | str,
        screenshot: Path | None = None,
        wait_ms: int = 500,
        width: int = 1200,
        height: int = 800,
        *,
        offline: bool = True,
    ) -> PageReport:
        """Open a page, save a full-page screenshot and return the report.

        Parameters
        ----------
        target : Path or str
            A local file or a URL.
        screenshot : Path, optional
            Where to save the screenshot; default ``test-artifacts/<name>.png``.
        wait_ms, width, height, offline
            See :meth:`browse`.

        Returns
        -------
        PageReport
            Errors, dialogs, failed requests, title and screenshot path.
        """
        with self.browse(
            target, wait_ms=wait_ms, width=width, height=height, offline=offline
        ) as session:
            session.screenshot(screenshot)
            return session.report


def _attach_listeners(page: Page, report: PageReport) -> None:
    def on_page_error(error: Any) -> None:
        report.page_errors.append(str(error))

    def on_console(message: Any) -> None:
        if message.type != "error":
            return
        location = message.location or {}
        source = location.get("url", "")
        if message.text.startswith("Failed to load resource") and not is_local_url(source):
            return  # a remote request; it is in failed_remote
        where = f" ({source}:{location.get('lineNumber', 0)})" if source else ""
        report.console_errors.append(f"{message.text}{where}")

    def on_dialog(dialog: Any) -> None:
        report.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_request_failed(request: Any) -> None:
        entry = f"{request.url} ({request.failure or 'onbekende fout'})"
        if is_local_url(request.url):
            report.failed_local.append(entry)
        else:
            report.failed_remote.append(entry)

    def on_response(response: Any) -> None:
        if response.status >= 400:
            entry = f"{response.url} (HTTP {response.status})"
            target = report.failed_local if is_local_url(response.url) else report.failed_remote
            target.append(entry)

    page.on("pageerror", on_page_error)
    page.on("console", on_console)
    page.on("dialog", on_dialog)
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)


@contextmanager
def browse(
    target: Path | str,
    *,
    browser: Chromium | None = None,
    wait_ms: int = 500,
    width: int = 1200,
    height: int = 800,
    offline: bool = True,
) -> Iterator[PageSession]:
    """Open a page and keep it open for queries; see :meth:`Chromium.browse`.

    Parameters
    ----------
    target : Path or str
        A local file or a URL.
    browser : Chromium, optional
        A running browser to reuse; otherwise one is started for this call.
    wait_ms, width, height, offline
        See :meth:`Chromium.browse`.

    Yields
    ------
    PageSession
        The open page with its report.
    """
    if browser is not None:
        with browser.browse(
            target, wait_ms=wait_ms, width=width, height=height, offline=offline
        ) as session:
            yield session
        return
    with (
        Chromium() as own,
        own.browse(target, wait_ms=wait_ms, width=width, height=height, offline=offline) as session,
    ):
        yield session


def open_page(
    target: Path | str,
    screenshot: Path | None = None,
    wait_ms: int = 500,
    width: int = 1200,
    height: int = 800,
    *,
    browser: Chromium | None = None,
    offline: bool = True,
) -> PageReport:
    """Open a page in headless Chromium and report errors; see :meth:`Chromium.open_page`.

    Parameters
    ----------
    target : Path or str
        A local file or a URL.
    screenshot : Path, optional
        Where to save the full-page screenshot; default in ``test-artifacts/``.
    wait_ms : int, default 500
        Extra time after the ``load`` event.
    width, height : int
        Viewport size.
    browser : Chromium, optional
        A running browser to reuse; otherwise one is started for this call.
    offline : bool, default True
        Block requests that leave this machine.

    Returns
    -------
    PageReport
        Errors, dialogs, failed requests, title and screenshot path.
    """
    if browser is not None:
        return browser.open_page(target, screenshot, wait_ms, width, height, offline=offline)
    with Chromium() as own:
        return own.open_page(target, screenshot, wait_ms, width, height, offline=offline)
