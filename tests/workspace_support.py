"""Fixtures of the workspace tests: a small detected world, a live server, a real Chromium.

* ``world_dir`` (session): a simulated world (seed 1, scale 0.05), ingested, detected and
  written like ``cibwatch detect --out`` (networks.csv, accounts.csv, edges.parquet and the
  store beside them), in about five seconds.
* ``live`` : ``cibwatch serve``'s app on a free port of 127.0.0.1 (uvicorn in a thread) over a
  fresh SQLite case store, with users of every role and their tokens.
* ``browser`` (session) : Debian's Chromium driven by Playwright (``executable_path``, headless,
  no sandbox, background networking and component updates off). ``.ci/with-chromium`` (run by
  ``make test``) installs it when absent and exports ``CIBWATCH_CHROMIUM``; without one the
  browser tests skip, saying why, except under CI (``CI`` set), where that is a failure.
* ``page`` : a new page at 1280 x 800 that records console errors and uncaught exceptions;
  the test fails if any happened.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Screenshots the tests take (kept out of git; a couple are copied to docs/img by hand).
SHOTS = ROOT / "test-screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                 "--disable-sync", "--disable-default-apps", "--metrics-recording-only",
                 "--disable-breakpad"]


def chromium_path() -> str | None:
    for c in (os.environ.get("CIBWATCH_CHROMIUM"), "/usr/bin/chromium",
              "/usr/bin/chromium-browser", shutil.which("chromium")):
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    return None


def _unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{why} under CI: .ci/with-chromium must install Chromium")
    pytest.skip(why)


@pytest.fixture(scope="session")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cibwatch.ingest import ingest_files
    from cibwatch.pipeline import detect
    from cibwatch.report.outputs import write_outputs
    from cibwatch.simulate import simulate
    from cibwatch.store import Store

    out = tmp_path_factory.mktemp("workspace-world")
    simulate(out / "world", seed=1, scale=0.05)
    with Store(out / "store.duckdb") as store:
        ingest_files(store, [out / "world" / "posts.parquet", out / "world" / "accounts.parquet"])
        result = detect(store)
        write_outputs(store, result, out, inputs=[], pictures=0)
    return out


@dataclass
class Live:
    url: str
    tokens: dict[str, str]
    svc: Any
    run_id: str
    dirs: list[Path] = field(default_factory=list)

    def actor(self, name: str) -> Any:
        return self.svc.authenticate(self.tokens[name])


#: The users of a live workspace: name -> role.
USERS = {"root": "admin", "vic": "viewer", "ana": "analyst", "bob": "approver",
         "cy": "approver"}


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


def serve(svc: Any, dirs: list[Path]) -> Iterator[Live]:
    import uvicorn

    from cibwatch.web import create_app

    tokens = {}
    for name, role in USERS.items():
        _, tokens[name] = svc.add_user(None, name, role)
    app = create_app(svc, threads=4)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the workspace server did not start")
        time.sleep(0.02)
    try:
        yield Live(f"http://127.0.0.1:{port}", tokens, svc, svc.source.runs()[0].run_id, dirs)
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def live(world_dir: Path, tmp_path: Path) -> Iterator[Live]:
    from cibwatch.cases import CaseService, CaseStore, DetectDirSource

    store = CaseStore.open(f"sqlite:///{tmp_path / 'cases.sqlite'}", pool_size=5)
    svc = CaseService(store, DetectDirSource([world_dir]))
    yield from serve(svc, [world_dir])
    store.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (make setup installs it)")
    path = chromium_path()
    if path is None:
        _unavailable("no Chromium found (make test installs Debian's chromium through "
                     ".ci/with-chromium; or apt-get install chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Console:
    """Console errors and uncaught exceptions of a page."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport=DESKTOP)
    p = ctx.new_page()
    console = Console()
    console.attach(p)
    p.console = console  # type: ignore[attr-defined]
    yield p
    ctx.close()
    assert console.errors == [], console.errors


def login(page: Any, live: Live, name: str, next_path: str = "/") -> None:
    page.goto(live.url + "/login?next=" + next_path)
    page.fill("#token", live.tokens[name])
    page.click("button[type=submit]")
    page.wait_for_selector(f"[data-testid=user]:has-text('{name}')")


def logout(page: Any) -> None:
    page.click("text=Log out")
    page.wait_for_url("**/login")


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot, test-screenshots/NAME.png."""
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    # caret="initial": hiding the caret would inject a style the pages' CSP refuses
    page.screenshot(path=str(path), full_page=True, caret="initial")
    return path
