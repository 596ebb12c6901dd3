"""The interface catalogue: dpskit's own strings (`_()` and `N_()` in Python, `_()` and `{% trans %}`
in the templates), where babel.cfg says, extracted with Babel and merged into
src/dpskit/locale/<language>/LC_MESSAGES/dpskit.po, the file translators edit (dpskit.i18n reads it).

`python -m dpskit.messages [LANGUAGE ...]` (make messages) merges into every catalogue, or creates
one: translations are kept, a changed English string becomes fuzzy (shown in English until a
translator clears the flag), new strings come in empty; the X-Review-Status header stays, read and
written as dpskit.catalogs does for the content catalogues. Content (notebooks, data/) has its own
catalogues under locale/: `dpskit translate update`.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from .catalogs import AWAITING_REVIEW, read_catalogue, review_status, write_catalogue
from .i18n import DOMAIN, LOCALE_DIR, catalogue_path

CHECKOUT = Path(__file__).resolve().parents[2]  # babel.cfg names paths from here
PLACEHOLDER = re.compile(r"\{\w*\}|%%|%\(\w+\)[sd]")  # str.format fields and Jinja's %-formatting


def extract(checkout: Path = CHECKOUT):
    """Every interface string of the checkout as a Babel template catalogue (a .pot)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (checkout / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    template = Catalog(project="dpskit", copyright_holder="Defend Peoples' Struggle", fuzzy=False)
    found = extract_from_dir(checkout, method_map, options_map, keywords={**DEFAULT_KEYWORDS, "N_": None})
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def update(language: str, checkout: Path = CHECKOUT, path: Path | None = None) -> Path:
    """Merge the checkout's strings into `language`'s catalogue (created when missing)."""
    path = path or catalogue_path(language)
    catalogue = read_catalogue(path) if path.is_file() else _new(language)
    catalogue.update(extract(checkout))
    write_catalogue(path, catalogue)
    return path


def _new(language: str):
    from .catalogs import _catalogue_class

    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    catalogue = _catalogue_class()(locale=language, domain=DOMAIN, project="dpskit interface", version="1",
                                   copyright_holder="Defend Peoples' Struggle", creation_date=now, revision_date=now,
                                   last_translator="dpskit translators", language_team=f"{language} <dpskit translators>",
                                   fuzzy=False)
    catalogue.review = AWAITING_REVIEW
    return catalogue


@dataclass
class Coverage:
    language: str
    translated: int
    fuzzy: list[str]
    missing: list[str]
    broken: list[str]   # translations that lost or changed a placeholder
    review: str


def coverage(language: str, checkout: Path = CHECKOUT, path: Path | None = None) -> Coverage:
    """The catalogue judged against the strings in the code now (a stale catalogue shows as missing)."""
    path = path or catalogue_path(language)
    catalogue = read_catalogue(path) if path.is_file() else None
    entries = {m.id: m for m in catalogue if m.id} if catalogue is not None else {}
    result = Coverage(language, 0, [], [], [], review_status(catalogue) if catalogue is not None else "")
    for message in extract(checkout):
        if not message.id:
            continue
        entry = entries.get(message.id)
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = (entry.string if isinstance(entry.string, tuple) else (entry.string,)) if entry else ()
        if entry is None or not all(strings):
            result.missing.append(english[0])
        elif "fuzzy" in entry.flags:
            result.fuzzy.append(english[0])
        else:
            result.translated += 1
            wanted = sorted(PLACEHOLDER.findall(english[-1]))
            if any(sorted(PLACEHOLDER.findall(s)) != wanted for s in strings):
                result.broken.append(english[0])
    return result


def main(argv: list[str]) -> int:
    languages = argv or sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES").is_dir())
    for language in languages:
        update(language)
        c = coverage(language)
        print(f"{catalogue_path(language).relative_to(CHECKOUT)}: {c.translated} translated, {len(c.fuzzy)} fuzzy, "
              f"{len(c.missing)} missing, {len(c.broken)} with a changed placeholder; review: {c.review or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
