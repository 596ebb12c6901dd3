"""Which language dpskit speaks, and every interface string through gettext.

One switch per process: a build speaks its workshop's `language:` while it runs (`using`), a
participant's kernel speaks its pack's (dpskit.notebook calls `set_language`). The catalogues
are Babel .po files in dpskit/locale/<language>/LC_MESSAGES/dpskit.po, compiled in memory the
first time a language is used, so a clone or a pip install needs no compile step. A message that
is missing or fuzzy in a catalogue shows in English.
"""

from __future__ import annotations

import gettext
import io
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

DOMAIN = "dpskit"
SOURCE_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"

_language = SOURCE_LANGUAGE


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _candidates(language: str) -> list[str]:
    """es-MX, then es: a regional code uses the language's catalogue when it has none of its own."""
    return list(dict.fromkeys([language.replace("-", "_"), language, language.split("-")[0]]))


def has_catalogue(language: str) -> bool:
    return any(c == SOURCE_LANGUAGE or catalogue_path(c).is_file() for c in _candidates(language))


@lru_cache(maxsize=None)
def translation(language: str) -> gettext.NullTranslations:
    """The interface strings of `language` (English when it has no catalogue)."""
    for candidate in _candidates(language):
        path = catalogue_path(candidate)
        if candidate != SOURCE_LANGUAGE and path.is_file():
            return compile_catalogue(path)
    return gettext.NullTranslations()


def compile_catalogue(path: Path) -> gettext.GNUTranslations:
    """A .po file compiled in memory; fuzzy messages are left out, so they show in English."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def language() -> str:
    """The language interface strings are in right now (an ISO code such as "en" or "es")."""
    return _language


def set_language(code: str | None) -> None:
    """Speak `code` from now on in this process (None or "" means English)."""
    global _language
    _language = code or SOURCE_LANGUAGE


@contextmanager
def using(code: str | None) -> Iterator[str]:
    """Speak `code` inside the block, then what was spoken before (a build, a test)."""
    previous = _language
    set_language(code)
    try:
        yield language()
    finally:
        set_language(previous)


def _(message: str) -> str:
    return translation(_language).gettext(message)


def N_(message: str) -> str:
    """Marks a string for extraction where it is defined; it is translated where it is shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return translation(_language).ngettext(singular, plural, n)


def inert(english: str, translated: str):
    """A translation as a template may show it. Jinja trusts what gettext returns as markup, so a
    translation's own <, > and & are escaped (its English has none), or its HTML is cut to the
    English's tags: a catalogue never brings a script into a page."""
    if translated == english or not any(c in translated for c in "<>&"):
        return translated
    if "<" in english:
        from .catalogs import sanitize

        return sanitize(english, translated)
    from markupsafe import escape

    return escape(translated)


def install_jinja(environment) -> None:
    """Give a Jinja environment `{{ _("...") }}`, `{% trans %}` and ngettext in the current language."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(lambda message: inert(message, _(message)),
                                          lambda singular, plural, n: inert(singular if n == 1 else plural,
                                                                            ngettext(singular, plural, n)),
                                          newstyle=True)


__all__ = ["DOMAIN", "LOCALE_DIR", "SOURCE_LANGUAGE", "catalogue_path", "compile_catalogue", "has_catalogue",
           "install_jinja", "language", "N_", "ngettext", "set_language", "translation", "using", "_"]
