"""Every page of both workshop packs reads on a 360 px phone without sideways scrolling: wide
tables scroll inside their own box. Measured in Chromium; widths go to build/test-artifacts/."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from browser_support import CHROMIUM_ARGS, NO_CHROMIUM, find_chromium, in_ci

ARTIFACTS = Path(__file__).resolve().parents[1] / "build" / "test-artifacts"
WIDTH = 360
# What sticks out past the viewport outside a scroll box: the culprit to name when a page fails.
WIDE = """() => { const d = document.documentElement;
  return [d.scrollWidth, [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > d.clientWidth + 1
    && !e.closest('.dpskit-scroll, .jp-RenderedHTMLCommon, .jp-OutputArea-output, .dpskit-answer-key'))
    .slice(0, 3).map(e => `${e.tagName.toLowerCase()}.${e.className}`)]; }"""


@pytest.fixture(scope="module")
def phone(playwright_driver):
    executable, how = find_chromium(playwright_driver)
    if executable is None:
        message = f"{NO_CHROMIUM} ({how}); 360 px layouts were NOT checked"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with tempfile.TemporaryDirectory(prefix="dpskit-chromium-") as profile:
        context = playwright_driver.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": WIDTH, "height": 740}, is_mobile=True, device_scale_factor=2)
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()


@pytest.mark.parametrize("packs", ["workshop_packs", "spanish_packs"], ids=["workshop.yml", "workshop.es.yml"])
def test_every_page_fits_360_px(request, packs, phone):
    result, _ = request.getfixturevalue(packs)
    widths, wide = {}, {}
    for pack in (result.out, result.participant):
        pages = sorted(p for p in pack.rglob("*.html") if not p.name.endswith(".slides.html"))  # decks scale to fit
        assert pages
        for page in pages:
            phone.goto(page.as_uri())
            width, culprits = phone.evaluate(WIDE)
            name = f"{pack.name}/{page.relative_to(pack).as_posix()}"
            widths[name] = width
            if width > WIDTH:
                wide[name] = {"scrollWidth": width, "too wide": culprits}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"narrow-360-{result.out.name}.json").write_text(json.dumps(widths, indent=1, sort_keys=True))
    assert {"index.html", "before-the-day.html", "guide/answer-key.html", "cards/pocket-card.html"} <= {
        n.split("/", 1)[1] for n in widths}
    assert wide == {}
