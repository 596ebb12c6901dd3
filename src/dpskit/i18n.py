"""Every user-facing string goes through gettext, so translating touches no logic."""

import gettext
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
_translation = gettext.translation("dpskit", LOCALE_DIR, fallback=True)


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)
