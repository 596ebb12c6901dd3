"""Scripts quoted in the text say the catalogue's words, in every language.

People memorise a script word for word, so a session, quiz, scenario, guide or printed sample that
quotes one must quote `data/scripts.yaml` (or its translation) exactly: a quotation that starts like
a script sentence (its first four words) must go on with the script's words, and may stop early or
run on into another script. A translation must quote every script its English quotes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

QUOTED = re.compile(r'["“«]([^"”»]{6,300}?)["”»]')
SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
HEAD = 4  # words that make a quotation "of a script"


def words(text: str) -> list[str]:
    text = text.replace("’", "'").lower()
    return re.findall(r"[\w'/]+", text)


def _common(one: list[str], other: list[str]) -> int:
    """How many words two word lists share from the start."""
    return next((at for at, (a, b) in enumerate(zip(one, other)) if a != b), min(len(one), len(other)))


@dataclass(frozen=True)
class Misquote:
    where: str  # a message context, or a page
    quoted: str
    script: str  # the id of the script it starts like
    says: str  # what the script says

    def __str__(self) -> str:
        return f"{self.where}: \"{' '.join(self.quoted.split())}\" differs from script {self.script}: \"{self.says}\""


class ScriptQuotes:
    """The scripts of one language, to find quotations of them in any text."""

    def __init__(self, scripts: dict[str, str]):
        self.scripts = scripts
        self.starts: list[tuple[tuple[str, ...], list[str], str]] = []
        for sid, say in scripts.items():
            every, at = words(say), 0
            for sentence in SENTENCE_END.split(say.strip()):
                part = words(sentence)
                if len(part) >= HEAD:
                    self.starts.append((tuple(part[:HEAD]), every[at:], sid))
                at += len(part)

    def _follows(self, quoted: list[str]) -> set[str] | None:
        """The scripts a quotation runs through, or None when it leaves their words."""
        if not quoted:
            return set()
        for head, rest, sid in self.starts:
            if tuple(quoted[:HEAD]) != head:
                continue
            if rest[:len(quoted)] == quoted:
                return {sid}
            if quoted[:len(rest)] == rest:
                after = self._follows(quoted[len(rest):])
                if after is not None:
                    return {sid, *after}
        return None

    def find(self, where: str, text: str) -> tuple[set[str], list[Misquote]]:
        """(ids of the scripts `text` quotes, quotations that start like a script but differ)."""
        quoted_ids: set[str] = set()
        wrong = []
        for quote in QUOTED.findall(text):
            quoted = words(quote)
            like = [(rest, sid) for head, rest, sid in self.starts if tuple(quoted[:HEAD]) == head]
            if not like:
                continue
            follows = self._follows(quoted)
            if follows is None:
                _, sid = max(like, key=lambda found: _common(found[0], quoted))
                wrong.append(Misquote(where, quote, sid, self.scripts[sid]))
            else:
                quoted_ids |= follows
        return quoted_ids, wrong


def quotation_problems(root: Path, language: str | None = None) -> list[str]:
    """Every message that misquotes a script; with a `language`, also every translation that
    misquotes one (in that language or in English) or drops a script its English quotes."""
    from ..catalogs import extract, translator

    messages = [m for found in extract(root).values() for m in found]
    english = ScriptQuotes({m.context.split("#", 1)[1].split("/")[0]: m.msgid for m in messages
                            if m.context.startswith("data/scripts.yaml#") and m.context.endswith("/say")})
    translated = translator(root, language)
    local = ScriptQuotes({sid: translated.text(f"data/scripts.yaml#{sid}/say", say) for sid, say in english.scripts.items()}) \
        if translated else None
    problems: list[str] = []
    for m in messages:
        if m.context.startswith("data/scripts.yaml#") and m.context.endswith("/say"):
            continue
        ids, wrong = english.find(m.context, m.msgid)
        problems += [str(w) for w in wrong]
        if local is None:
            continue
        text = translated.text(m.context, m.msgid)
        if text == m.msgid:
            continue  # untranslated: the English was just checked
        ids_local, wrong_local = local.find(m.context, text)
        ids_english, wrong_english = english.find(m.context, text)
        problems += [f"{language}: {w}" for w in (*wrong_local, *wrong_english)]
        missing = ids - ids_local - ids_english
        if missing and not wrong_local:
            problems.append(f"{language}: {m.context}: the English quotes script(s) {', '.join(sorted(missing))}; "
                            f"the translation does not quote {'it' if len(missing) == 1 else 'them'} word for word")
    return problems
