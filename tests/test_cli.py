"""``python -m wijklib``: prefetch for offline use, with Dutch messages."""

from __future__ import annotations

import os
import subprocess
import sys

import wijklib


def run(args, env):
    return subprocess.run(
        [sys.executable, "-m", "wijklib", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_download_fills_the_cache_for_offline_use(services, tmp_path, monkeypatch):
    env = dict(os.environ)
    done = run(["download", "--gemeente", "Utrecht", "--stil"], env)
    assert done.returncode == 0, done.stderr
    assert "Klaar" in done.stdout
    listing = run(["cache"], env)
    assert "cbs/85984NED/buurt-GM0344" in listing.stdout
    assert "pdok/2024/buurt-GM0344" in listing.stdout
    # then the servers are not needed any more
    monkeypatch.setenv("WIJKLIB_CBS_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("WIJKLIB_PDOK_URL", "http://127.0.0.1:9")
    assert len(wijklib.kerncijfers("Utrecht")) == 111
    assert len(wijklib.gebieden("Utrecht", niveau="wijk")) == 10
    assert wijklib.kerncijfers_nederland()["code"].tolist() == ["NL00"]


def test_download_reports_problems_in_dutch(services):
    env = dict(os.environ)
    done = run(["download", "--gemeente", "Utrech", "--stil"], env)
    assert done.returncode == 1
    assert "Bedoel je misschien: 'Utrecht'" in done.stderr
    assert "Traceback" not in done.stderr


def test_help_is_dutch():
    done = run(["download", "--help"], dict(os.environ))
    assert "haal" in done.stdout.lower() and "--gemeente" in done.stdout
