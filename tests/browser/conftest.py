"""Fixtures for the end-to-end JupyterLab test: a real JupyterLab server and headless Chromium.

The browser is Debian's ``chromium`` driven by Playwright through ``executable_path``
(Playwright's own browser downloads are not used). Without a browser the tests skip with
the reason.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _chromium() -> str | None:
    for name in (os.environ.get("NNLIB_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(settings_dir: Path, theme: str) -> None:
    """User settings: no news pop-up, and the requested theme."""
    apputils = settings_dir / "@jupyterlab" / "apputils-extension"
    apputils.mkdir(parents=True, exist_ok=True)
    (apputils / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    (apputils / "themes.jupyterlab-settings").write_text(json.dumps({"theme": theme}))
    # Render every cell (no virtual scrolling), so the test can see all outputs.
    notebook = settings_dir / "@jupyterlab" / "notebook-extension"
    notebook.mkdir(parents=True, exist_ok=True)
    (notebook / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))


class LabServer:
    """A JupyterLab server on 127.0.0.1 with a token, serving a copy of ``course/``."""

    def __init__(self, root: Path, settings_dir: Path, log: Path):
        self.root, self.settings_dir = root, settings_dir
        self.port, self.token = _free_port(), secrets.token_hex(16)
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root}",
               f"--LabApp.user_settings_dir={settings_dir}", "--LabApp.news_url=None"]
        self.proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT)
        self._wait_ready()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def _wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early with code {self.proc.returncode}")
            try:
                urllib.request.urlopen(self.url("api/status"), timeout=2)
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("JupyterLab did not start within 90 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="module")
def chromium_path() -> str:
    pytest.importorskip("playwright", reason="playwright not installed (pip install nnlib[dev])")
    path = _chromium()
    if path is None:
        pytest.skip("no Chromium found (Debian: apt-get install chromium); browser test skipped")
    return path


@pytest.fixture(scope="module")
def lab(tmp_path_factory, chromium_path):
    """Serve a scratch copy of course/ so the test never writes into the repository."""
    root = tmp_path_factory.mktemp("course")
    for nb in sorted((ROOT / "course").glob("*.ipynb")):
        shutil.copy(nb, root / nb.name)
    settings = tmp_path_factory.mktemp("settings")
    _write_settings(settings, "JupyterLab Light")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    server = LabServer(root, settings, ARTIFACTS / "jupyterlab.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    yield pg
    context.close()
