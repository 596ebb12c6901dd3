"""Where slide content really ends: each deck in Chromium at 1280x720, every slide, every
fragment and every step of every role-play, measured against the visible slide area (the
scaled slide above the disclaimer footer). Used by the test suite and `dpskit check --layout`;
building a pack never needs it. Needs Playwright and a Chromium (the `browser` extra)."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

VIEWPORT = {"width": 1280, "height": 720}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
SYSTEM_CHROMIUMS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
TOLERANCE = 1.0  # px: sub-pixel rounding of a scaled slide

# One measure of the current slide as the room sees it: every element and every text run
# outside the speaker notes must sit inside the slide box and above the footer.
MEASURE = """() => {
  const slide = Reveal.getCurrentSlide();
  const box = document.querySelector('.reveal .slides').getBoundingClientRect();
  const footer = document.querySelector('.dpskit-slide-footer');
  const limit = {bottom: Math.min(box.bottom, innerHeight), right: Math.min(box.right, innerWidth),
                 left: Math.max(box.left, 0)};
  if (footer && getComputedStyle(footer).display !== 'none') limit.bottom = Math.min(limit.bottom, footer.getBoundingClientRect().top);
  let below = 0, right = 0, what = '';
  /* reveal's arrows sit in the bottom-right corner: text under them cannot be read either */
  const arrows = [...document.querySelectorAll('.reveal .controls button.enabled')].map(b => b.getBoundingClientRect()).filter(r => r.width);
  const under = (r) => Math.max(0, ...arrows.map(a => r.right > a.left && r.left < a.right && r.bottom > a.top && r.top < a.bottom ? r.bottom - a.top : 0));
  const shown = el => { for (let e = el; e && e !== slide.parentElement; e = e.parentElement) {
      const s = getComputedStyle(e); if (s.display === 'none') return false; } return true; };
  const consider = (r, text, isText) => {
    if (r.width === 0 && r.height === 0) return;
    const b = Math.max(r.bottom - limit.bottom, isText ? under(r) : 0), x = Math.max(r.right - limit.right, limit.left - r.left);
    if (b > 0 && b >= below) { below = b; what = text; }  /* the deepest node at the lowest point names it */
    if (x > 0 && x >= right) { right = x; if (below <= 0) what = text; }
  };
  const walker = document.createTreeWalker(slide, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {  /* the slide's own box holds the footer's room */
    const el = node.nodeType === 1 ? node : node.parentElement;
    if (el.closest('aside.notes') || !shown(el)) continue;
    if (node.nodeType === 3) {
      if (!node.textContent.trim()) continue;
      const range = document.createRange(); range.selectNodeContents(node);
      for (const r of range.getClientRects()) consider(r, node.textContent.trim().slice(0, 60), true);
    } else {
      consider(node.getBoundingClientRect(), (node.innerText || node.tagName).trim().slice(0, 60));
      const s = getComputedStyle(node);
      if (s.overflowX !== 'visible' && node.scrollWidth > node.clientWidth + 1) {
        const x = (node.scrollWidth - node.clientWidth) * box.width / slide.offsetParent.offsetWidth;
        if (x > right) { right = x; what = 'clipped: ' + (node.innerText || '').trim().slice(0, 50); }
      }
    }
  }
  const heading = slide.querySelector('h1, h2, h3, legend, p');
  const title = heading ? heading.textContent.replace(/\u00b6/g, '').replace(/\\s+/g, ' ').trim() : '';
  return {below: Math.round(below), right: Math.round(right), what: what.replace(/\\s+/g, ' '),
          title: title.length > 60 ? title.slice(0, 57) + '...' : title};
}"""

# Every step of every role-play on the current slide: replay each path from the start.
SCENARIO_STATES = """(measure) => {
  const results = [];
  for (const box of Reveal.getCurrentSlide().querySelectorAll('.dpskit-scenario[data-scenario]')) {
    const player = box.dpskitPlayer;
    const walk = (path) => {
      player.restart();
      for (const i of path) box.querySelectorAll('.dpskit-scenario-choice')[i].click();
      const m = measure(); m.state = box.id + ' after choices [' + path.join(',') + ']'; results.push(m);
      const n = box.querySelectorAll('.dpskit-scenario-choice').length;
      for (let i = 0; i < n; i++) walk(path.concat([i]));
    };
    walk([]);
    player.restart();
  }
  return results;
}"""


# Every quiz on the current slide after Check, as the room sees it: the right answer, then the
# wrong option with the longest feedback, which stays checked so the answer fragment is measured
# on top of it (the guide's order: a wrong answer discussed, then the answer shown).
QUIZ_STATES = """(measure) => {
  const results = [];
  for (const form of Reveal.getCurrentSlide().querySelectorAll('form.dpskit-quiz')) {
    const key = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(form.dataset.key), c => c.charCodeAt(0))));
    const inputs = [...form.querySelectorAll('input')];
    const check = (chosen) => {
      const retry = form.querySelector('.dpskit-quiz-retry');
      if (!retry.hidden) retry.click();
      inputs.forEach((input, i) => { input.checked = chosen.includes(i); });
      form.requestSubmit(form.querySelector('.dpskit-quiz-check'));
    };
    const right = key.options.map((o, i) => o.correct ? i : -1).filter(i => i >= 0);
    check(form.dataset.type === 'multiple' ? right : right.slice(0, 1));
    let m = measure(); m.state = form.id + ' after Check (right)'; results.push(m);
    const wrong = key.options.map((o, i) => [o.correct ? -1 : (o.feedback || '').length, i]).sort((a, b) => b[0] - a[0])[0][1];
    check([wrong]);
    m = measure(); m.state = form.id + ' after Check (wrong)'; results.push(m);
  }
  return results;
}"""


@dataclass
class SlideFit:
    number: int               # 1-based, as the slide number in the corner shows it
    title: str
    state: str                # "", "fragment 2", or a role-play step
    below: int                # px of content below the visible area (0 = fits)
    right: int                # px clipped or beyond the right/left edge
    what: str                 # the text that ends lowest

    def __str__(self) -> str:
        where = f"slide {self.number} \u201c{self.title}\u201d" + (f" ({self.state})" if self.state else "")
        parts = ([f"{self.below} px below the visible slide"] if self.below > TOLERANCE else []) + (
            [f"{self.right} px clipped sideways"] if self.right > TOLERANCE else [])
        return f"{where}: {' and '.join(parts)}, at \u201c{self.what}\u201d"


@dataclass
class DeckFit:
    deck: str
    slides: int = 0
    overflows: list[SlideFit] = field(default_factory=list)


def find_chromium() -> str | None:
    """DPSKIT_CHROMIUM, else the system Chromium."""
    wanted = os.environ.get("DPSKIT_CHROMIUM", "").strip()
    candidates = [wanted] if wanted else [*SYSTEM_CHROMIUMS, shutil.which("chromium") or ""]
    return next((c for c in candidates if c and Path(c).is_file() and os.access(c, os.X_OK)), None)


def _fits(m: dict) -> bool:
    return m["below"] <= TOLERANCE and m["right"] <= TOLERANCE


def measure_deck(context, deck: Path, name: str | None = None) -> DeckFit:
    """Step through a deck with Reveal.next() and measure after every step."""
    page = context.new_page()
    page.set_viewport_size(VIEWPORT)
    result = DeckFit(name or deck.name.removesuffix(".slides.html"))
    try:
        page.goto(deck.resolve().as_uri(), wait_until="load")
        page.wait_for_selector(".reveal.ready", state="attached")
        page.evaluate("Reveal.configure({transition: 'none', fragmentInURL: false})")
        result.slides = page.evaluate("Reveal.getTotalSlides()")
        seen: set[tuple] = set()
        for _ in range(20 * result.slides + 100):
            at = page.evaluate("""() => { const i = Reveal.getIndices();
                return [Reveal.getSlidePastCount() + 1, i.f === undefined ? -1 : i.f, Reveal.isLastSlide(),
                        Reveal.availableFragments().next]; }""")
            number, fragment, last, more = at
            page.wait_for_timeout(30)  # quiz answers fill in on the fragment's event
            measures = [(f"fragment {fragment + 1}" if fragment >= 0 else "", page.evaluate(MEASURE))]
            if fragment < 0 and page.evaluate("!!Reveal.getCurrentSlide().querySelector('.dpskit-scenario[data-scenario]')"):
                measures += [(m.pop("state"), m) for m in page.evaluate(f"() => ({SCENARIO_STATES})({MEASURE})")]
            if fragment < 0 and page.evaluate("!!Reveal.getCurrentSlide().querySelector('form.dpskit-quiz')"):
                measures += [(m.pop("state"), m) for m in page.evaluate(f"() => ({QUIZ_STATES})({MEASURE})")]
            for state, m in measures:
                if not _fits(m) and (number, state) not in seen:
                    seen.add((number, state))
                    result.overflows.append(SlideFit(number, m["title"], state, m["below"], m["right"], m["what"]))
            if last and not more:
                break
            page.evaluate("Reveal.next()")
    finally:
        page.close()
    return result


class LayoutUnavailable(RuntimeError):
    """No Playwright or no Chromium here: the layout cannot be measured (the build never needs it)."""


def measure_decks(decks: list[Path], executable: str | None = None) -> list[DeckFit]:
    """Measure each deck in one headless Chromium with a throwaway profile."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise LayoutUnavailable("Playwright is not installed: pip install 'dpskit[browser]'") from exc
    executable = executable or find_chromium()
    if executable is None:
        raise LayoutUnavailable("no Chromium found: apt-get install chromium, or set DPSKIT_CHROMIUM")
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="dpskit-layout-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_ARGS, viewport=VIEWPORT)
        context.set_default_timeout(15_000)
        try:
            return [measure_deck(context, deck) for deck in decks]
        finally:
            context.close()


def layout_report(root: Path, sessions: list[str] | None = None) -> list[DeckFit]:
    """Build the decks into a temporary folder (slides only, no PDF) and measure them."""
    from .build import build

    with tempfile.TemporaryDirectory(prefix="dpskit-slides-") as folder:
        out = build(root, Path(folder) / "build", sessions=sessions, formats=["slides"], pdf=False).out
        return measure_decks(sorted((out / "slides").glob("*.slides.html")))
