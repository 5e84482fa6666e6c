"""A real JupyterHub for the tests: system users, the hub process, and code run in kernels.

Used by ``tests/test_jupyterhub.py``. The hub runs ``tests/jupyterhub_test_config.py``
(the documented ``docs/jupyterhub/jupyterhub_config.py`` with test-only overrides) with
JupyterHub's LocalProcessSpawner, so every user's server and kernel run as that system
user: file permissions are really checked (the test suite itself runs as root, which
ignores them).

Code runs in a user's kernel the way JupyterLab runs a cell: the hub's REST API starts
the server, the Jupyter server's REST API starts a kernel, and an ``execute_request``
goes over the kernel's websocket (Jupyter messaging protocol 5.3).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import grp
import json
import os
import pwd
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
TEST_CONFIG = ROOT / "tests" / "jupyterhub_test_config.py"
#: Where ``make hub-proxy`` installs configurable-http-proxy (inside the venv).
CHP = Path(sys.prefix) / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
#: Marks the one line of a kernel's output that holds the cell's JSON result.
RESULT = "@@wijklib-result@@"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def proxy_command() -> str:
    """The configurable-http-proxy command, or a Dutch explanation of how to get it."""
    if CHP.exists():
        return str(CHP)
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    raise RuntimeError(
        f"configurable-http-proxy ontbreekt ({CHP}). Installeer het met `make hub-proxy` "
        "(dat heeft Node/npm nodig: sudo apt-get install nodejs npm)."
    )


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()}")


# ----------------------------------------------------------------------- system users


@dataclass
class SystemUsers:
    """System users in one shared group, with home folders under ``base`` (made as the
    docs tell an admin: ``useradd --create-home``, home folders ``0700``)."""

    base: Path
    group: str
    names: list[str]
    made: list[str] = field(default_factory=list)
    group_made: bool = False

    def create(self) -> None:
        for name in self.names:
            self._remove_leftover(name)
        try:
            grp.getgrnam(self.group)
        except KeyError:
            _run("groupadd", self.group)
            self.group_made = True
        (self.base / "home").mkdir(parents=True, exist_ok=True)
        for name in self.names:
            home = self.base / "home" / name
            _run("useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash",
                 "--groups", self.group, name)
            self.made.append(name)
            home.chmod(0o700)

    def _remove_leftover(self, name: str) -> None:
        """A user of an earlier, broken-off run of this test (its home was ours)."""
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            return
        if not entry.pw_dir.startswith(str(self.base.parent / "wijklib-hub-")):
            raise RuntimeError(f"System user {name} already exists and is not from this "
                               "test; remove it or pick other names.")
        kill_processes_of([entry.pw_uid])
        subprocess.run(["userdel", "--remove", name], capture_output=True)

    def uid(self, name: str) -> int:
        return pwd.getpwnam(name).pw_uid

    def remove(self) -> None:
        kill_processes_of([self.uid(n) for n in self.made])
        for name in self.made:
            subprocess.run(["userdel", "--remove", name], capture_output=True)
        if self.group_made:
            subprocess.run(["groupdel", self.group], capture_output=True)


def kill_processes_of(uids: Iterable[int]) -> None:
    """End the processes (by pid) still running as these test users."""
    wanted = set(uids)
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if proc.stat().st_uid in wanted:
                os.kill(int(proc.name), 9)
        except (OSError, ProcessLookupError):
            continue


def open_for_others(paths: Iterable[Path]) -> list[tuple[Path, int]]:
    """Give "others" traverse rights on the folders above ``paths`` where they lack them.

    The test users must reach this checkout and its venv (a checkout in ``/root`` is not
    reachable for other users). Returns what was changed, for :func:`restore_modes`.
    """
    changed: list[tuple[Path, int]] = []
    for path in paths:
        for folder in [path, *path.parents]:
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                changed.append((folder, stat.S_IMODE(mode)))
                folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
    return changed


def restore_modes(changed: list[tuple[Path, int]]) -> None:
    for folder, mode in reversed(changed):
        folder.chmod(mode)


# ----------------------------------------------------------------------- the hub


class CellError(AssertionError):
    """Code run in a user's kernel raised; the message holds the traceback."""


@dataclass
class Hub:
    """A running JupyterHub reached at ``url`` with an admin API token (a service)."""

    url: str
    token: str
    process: subprocess.Popen
    log: Path
    user_tokens: dict[str, str] = field(default_factory=dict)
    kernels: dict[str, str] = field(default_factory=dict)

    # -- hub REST API
    def api(self, method: str, path: str, token: str | None = None, **kwargs: Any
            ) -> requests.Response:
        headers = {"Authorization": f"token {token or self.token}"}
        return requests.request(method, f"{self.url}/hub/api{path}", headers=headers,
                                timeout=30, **kwargs)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub stopped:\n{self.log_text()}")
            try:
                if self.api("GET", "/").ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"JupyterHub did not start in {timeout} s:\n{self.log_text()}")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-6000:] if self.log.exists() else ""

    def token_for(self, user: str) -> str:
        """A token of ``user`` itself (made by the admin service through the hub API)."""
        if user not in self.user_tokens:
            answer = self.api("POST", f"/users/{user}/tokens", json={"note": "test"})
            answer.raise_for_status()
            self.user_tokens[user] = answer.json()["token"]
        return self.user_tokens[user]

    def start_servers(self, users: Iterable[str], timeout: float = 90) -> None:
        """Start the users' servers through the hub and wait until all are ready."""
        users = list(users)
        for user in users:
            answer = self.api("POST", f"/users/{user}/server")
            if answer.status_code not in (201, 202, 400):
                raise RuntimeError(f"Starting {user}: {answer.status_code} {answer.text}\n"
                                   f"{self.log_text()}")
        deadline = time.monotonic() + timeout
        waiting = set(users)
        while waiting and time.monotonic() < deadline:
            for user in list(waiting):
                model = self.api("GET", f"/users/{user}").json()
                if model.get("servers", {}).get("", {}).get("ready"):
                    waiting.discard(user)
            time.sleep(0.5)
        if waiting:
            raise RuntimeError(f"Servers of {sorted(waiting)} not ready:\n{self.log_text()}")

    def stop(self) -> None:
        for user in list(self.user_tokens):
            try:
                self.api("DELETE", f"/users/{user}/server")
            except requests.RequestException:
                pass
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    # -- the user's Jupyter server (through the hub's proxy, with the user's token)
    def server(self, method: str, user: str, path: str, token: str | None = None,
               **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"token {token or self.token_for(user)}"}
        return requests.request(method, f"{self.url}/user/{user}/api{path}", headers=headers,
                                timeout=30, **kwargs)

    def kernel(self, user: str) -> str:
        if user not in self.kernels:
            answer = self.server("POST", user, "/kernels", json={"name": "python3"})
            answer.raise_for_status()
            self.kernels[user] = answer.json()["id"]
        return self.kernels[user]

    def run(self, user: str, code: str, timeout: float = 120) -> Any:
        """Run ``code`` in the user's kernel; return what it passed to ``result(...)``.

        The code gets a function ``result(value)`` that hands a JSON value back.
        """
        prelude = ("import json as _json\n"
                   f"def result(value):\n    print({RESULT!r} + _json.dumps(value))\n")
        ws = self.url.replace("http://", "ws://", 1)
        url = f"{ws}/user/{user}/api/kernels/{self.kernel(user)}/channels"
        # A thread of its own: Playwright's sync API (other tests in the same session)
        # leaves an event loop marked as running in the main thread, where
        # asyncio.run() refuses to start.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            text = pool.submit(asyncio.run, _execute(url, self.token_for(user),
                                                     prelude + code, timeout)).result()
        for line in text.splitlines():
            if line.startswith(RESULT):
                return json.loads(line[len(RESULT):])
        return None


async def _execute(url: str, token: str, code: str, timeout: float) -> str:
    """Send one execute_request over a kernel websocket; return its printed output."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    connection = await websocket_connect(
        HTTPRequest(url, headers={"Authorization": f"token {token}"}))
    msg_id = uuid.uuid4().hex
    message = {
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                   "session": uuid.uuid4().hex, "version": "5.3"},
        "parent_header": {}, "metadata": {}, "buffers": [], "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": False,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }
    await connection.write_message(json.dumps(message))
    output: list[str] = []
    error: dict[str, Any] | None = None
    replied = idle = False
    deadline = time.monotonic() + timeout
    try:
        while not (replied and idle):
            raw = await asyncio.wait_for(connection.read_message(),
                                         max(0.1, deadline - time.monotonic()))
            if raw is None:
                raise CellError("The kernel's websocket closed.")
            if isinstance(raw, bytes):
                continue
            reply = json.loads(raw)
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = reply["header"]["msg_type"]
            content = reply["content"]
            if kind == "stream":
                output.append(content["text"])
            elif kind == "error":
                error = content
            elif kind == "execute_reply":
                replied = True
            elif kind == "status" and content.get("execution_state") == "idle":
                idle = True
    finally:
        connection.close()
    if error is not None:
        trace = "\n".join(error.get("traceback", []))
        raise CellError(f"{error.get('ename')}: {error.get('evalue')}\n{trace}\n"
                        f"output:\n{''.join(output)}")
    return "".join(output)


def start_hub(state: Path, shared: Path, users: list[str], admin: str, group: str,
              pythonpath: str) -> Hub:
    """Start ``jupyterhub -f tests/jupyterhub_test_config.py`` as root."""
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o700)
    token = secrets.token_hex(32)
    port = free_port()
    env = dict(
        os.environ,
        WKHUB_STATE=str(state), WKHUB_PORT=str(port), WKHUB_HUB_PORT=str(free_port()),
        WKHUB_PROXY_API_PORT=str(free_port()), WKHUB_DEAD_PORT=str(free_port()),
        WKHUB_CHP=proxy_command(), WKHUB_TOKEN=token, WKHUB_USERS=",".join(users),
        # The hub admin's settings of the documented config file:
        WIJKPROFIEL_GEDEELD=str(shared), WIJKPROFIEL_GROEP=group,
        WIJKPROFIEL_BEHEERDER=admin,
        # The servers import this checkout's wijklib (PYTHONPATH is in env_keep).
        PYTHONPATH=pythonpath,
    )
    log = state / "jupyterhub.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(TEST_CONFIG)],
        cwd=state, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    hub = Hub(url=f"http://127.0.0.1:{port}", token=token, process=process, log=log)
    try:
        hub.wait_ready()
    except BaseException:
        hub.stop()
        raise
    return hub
