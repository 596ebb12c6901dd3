"""Shared fixtures: a tiny fixture curriculum, builds made once per test session, a dummy comm."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def mini_root(tmp_path: Path) -> Path:
    """A writable copy of the mini curriculum, for tests that break or edit content."""
    root = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", root, ignore=shutil.ignore_patterns(".dpskit-cache", "build"))
    return root


@pytest.fixture(scope="session")
def mini_build(tmp_path_factory) -> Path:
    """The mini curriculum built once: every format of its one session."""
    from dpskit.build import build

    root = tmp_path_factory.mktemp("mini-src") / "mini"
    shutil.copytree(FIXTURES / "mini", root, ignore=shutil.ignore_patterns(".dpskit-cache", "build"))
    return build(root, root / "build").out


@pytest.fixture(scope="session")
def repo_build(tmp_path_factory) -> Path:
    """The real curriculum built once, outside the checkout's build/. Its sessions run once per checkout and
    test worker, shared through the checkout's execution cache with the workshop builds (keyed on everything a
    run depends on, so a cached run is the run it would make)."""
    from dpskit.build import build

    out = tmp_path_factory.mktemp("repo-build") / "build"
    return build(REPO, out).out


def _workshop_packs(tmp_path_factory, name: str):
    from dpskit.build import build
    from dpskit.content import load_valid_content
    from dpskit.workshop import load_workshop

    plan, _ = load_workshop(REPO / name, load_valid_content(REPO))
    result = build(REPO, tmp_path_factory.mktemp("packs") / plan.slug, workshop=REPO / name)
    return result, plan


@pytest.fixture(scope="session")
def workshop_packs(tmp_path_factory):
    """`make workshop`: the default workshop.yml over the real curriculum, built once outside
    build/. Returns the build result (facilitator pack .out, participant pack .participant) and the plan."""
    return _workshop_packs(tmp_path_factory, "workshop.yml")


@pytest.fixture(scope="session")
def spanish_packs(tmp_path_factory):
    """`make workshop WORKSHOP=workshop.es.yml`: the example Spanish workshop, built once the same way."""
    return _workshop_packs(tmp_path_factory, "workshop.es.yml")


class DummyComm:
    """Stands in for the frontend: records what a widget would send."""

    comm_id = "dummy"
    kernel = "dummy-kernel"

    def __init__(self, *args, **kwargs):
        self.messages = []

    def open(self, *args, **kwargs):
        pass

    def on_msg(self, *args, **kwargs):
        pass

    def send(self, *args, **kwargs):
        self.messages.append((args, kwargs))

    def close(self, *args, **kwargs):
        pass


@pytest.fixture
def dummy_comm(monkeypatch):
    """Widgets without a browser or kernel: every comm is a DummyComm."""
    import comm

    monkeypatch.setattr(comm, "create_comm", lambda **kwargs: DummyComm())
    monkeypatch.setattr(comm, "get_comm_manager", lambda **kwargs: {})
    yield DummyComm


def missing(message: str, *, ci_prefix: str = "") -> None:
    """What a test cannot run without is missing: it skips loudly here and fails in CI (CI=true)."""
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{ci_prefix}{message}", pytrace=False)
    pytest.skip(f"SKIPPED LOUDLY: {message}")


def require_tool(name: str, package: str) -> str:
    """The path of a system tool; without it the test skips loudly here and fails in CI (CI=true)."""
    path = shutil.which(name)
    if path is None:
        missing(f"{name} is not installed (apt-get install {package}); this check did NOT run", ci_prefix="CI requires it: ")
    return path


@pytest.fixture
def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


# One Playwright driver for the whole test session, shared by every browser test module: its sync
# API cannot start twice in one process (nor while one is running), so no module starts its own.
@pytest.fixture(scope="session")
def playwright_driver():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as driver:
        yield driver


# One Chromium for the whole test session, shared by the browser test modules.
@pytest.fixture(scope="session")
def browser(playwright_driver):
    """One Chromium (a persistent context with a fresh profile) for the whole test session."""
    from browser_support import CHROMIUM_ARGS, NO_CHROMIUM, find_chromium, in_ci

    executable, how = find_chromium(playwright_driver)
    if executable is None:
        message = f"{NO_CHROMIUM} ({how})"
        if in_ci():
            pytest.fail(f"BROWSER TESTS CANNOT RUN and CI requires them: {message}", pytrace=False)
        pytest.skip(f"BROWSER TESTS SKIPPED: {message}")
    with tempfile.TemporaryDirectory(prefix="dpskit-chromium-") as profile:
        context = playwright_driver.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 800},
            locale="en-US",
        )
        context.set_default_timeout(10_000)
        try:
            yield context
        finally:
            context.close()
