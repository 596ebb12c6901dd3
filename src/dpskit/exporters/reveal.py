"""reveal.js comes from a registry package (sphinx-revealjs ships its 5.x dist); decks inline it."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.metadata import distribution
from pathlib import Path

REVEAL_PACKAGE = "sphinx-revealjs"
IMPORT_RULE = re.compile(r"@import\s+url\([^)]*\)\s*;?")


def reveal_dir() -> Path:
    """The installed reveal.js folder; found without importing Sphinx."""
    folder = Path(distribution(REVEAL_PACKAGE).locate_file("sphinx_revealjs/_static/revealjs"))
    if not (folder / "dist" / "reveal.js").is_file():
        raise FileNotFoundError(f"reveal.js not found in {folder}; reinstall {REVEAL_PACKAGE}")
    return folder


@lru_cache(maxsize=None)
def reveal_assets(theme: str = "white") -> dict[str, str]:
    """reveal.js, its notes plugin and CSS as text to inline. Theme web-font imports are
    dropped: decks use the system font stack, stay small and request nothing."""
    folder = reveal_dir()
    read = lambda relative: (folder / relative).read_text(encoding="utf-8")  # noqa: E731
    script = read("dist/reveal.js")
    version = re.search(r"reveal\.js (\d+\.\d+\.\d+)", script)
    return {
        "version": version.group(1) if version else "unknown",
        "css": read("dist/reveal.css"),
        "theme_css": IMPORT_RULE.sub("", read(f"dist/theme/{theme}.css")),
        "js": script,
        "notes_js": read("plugin/notes/notes.js"),
    }
