"""Issue #20, what comes in from translators and authors: a .po file that is not gettext, a language
that is not a language, a value with bidi controls, one syntax error that cascades. Each is one line
naming the file (and line), before any work, and nothing is written back from what did not parse."""

from __future__ import annotations

import errno
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpskit import catalogs
from dpskit.cli import cli


def _run(root: Path, *args: str):
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    assert "Traceback" not in result.output and (result.exception is None or isinstance(result.exception, SystemExit)), \
        f"{result.output}\n{result.exc_info}"
    return result


@pytest.fixture
def spanish_mini(mini_root):
    """The mini curriculum with a complete Spanish catalogue."""
    catalogs.update(mini_root, "es")
    for path in sorted((mini_root / "locale/es").rglob("*.po")):
        catalogue = catalogs.read_catalogue(path)
        for message in catalogue:
            if message.id:
                message.string = "ES " + message.id
        catalogs.write_catalogue(path, catalogue)
    assert _run(mini_root, "check", "--language", "es").exit_code == 0
    return mini_root


def _break(po: Path, how: str) -> int:
    """Break the first translated msgstr of `po` as `how` says; the 1-based line broken."""
    lines = po.read_bytes().split(b"\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(b'msgstr "ES '))
    if how == "missing closing quote":
        lines[at] = lines[at].rstrip(b'"')
    elif how == "garbage line":
        lines.insert(at, b"this line is not gettext at all")
    elif how == "latin-1 bytes":
        lines[at] = lines[at][:-1] + "¿Qué?".encode("latin-1") + b'"'
    elif how == "unknown charset":
        at = next(i for i, line in enumerate(lines) if b"charset=" in line)
        lines[at] = re.sub(rb"charset=[^\\\"]+", b"charset=klingon-8", lines[at])
    po.write_bytes(b"\n".join(lines))
    return at + 1


BROKEN = ("missing closing quote", "garbage line", "latin-1 bytes", "unknown charset")


@pytest.mark.parametrize("how", BROKEN)
def test_a_broken_po_is_one_line_with_file_and_line_in_check_build_and_update(spanish_mini, how):
    root = spanish_mini
    po = root / "locale/es/sessions/01-mini.po"
    line = _break(po, how)
    broken = po.read_bytes()
    where = f"locale/es/sessions/01-mini.po:{line}:"

    checked = _run(root, "check", "--language", "es")
    assert checked.exit_code == 1
    assert [text for text in checked.output.splitlines() if "01-mini.po" in text] == \
        [text for text in checked.output.splitlines() if where in text], checked.output
    assert len([text for text in checked.output.splitlines() if where in text]) == 1, checked.output

    built = _run(root, "build", "--quiet", "--language", "es", "--formats", "slides", "--no-pdf")
    assert built.exit_code == 1 and where in built.output and "Nothing was built" in built.output, built.output

    updated = _run(root, "translate", "update", "--language", "es")
    assert updated.exit_code == 1 and where in updated.output and "nothing was written" in updated.output, updated.output
    assert len(updated.output.strip().splitlines()) == 1, updated.output
    assert po.read_bytes() == broken, "nothing is written back from a file that did not parse"


def test_a_missing_closing_quote_never_loses_a_character(spanish_mini):
    po = spanish_mini / "locale/es/shared.po"
    _break(po, "missing closing quote")
    with pytest.raises(catalogs.CatalogueError, match="without its closing quote"):
        catalogs.read_catalogue(po)


# ---------------------------------------------------------------- languages

@pytest.mark.parametrize("language,says", [
    ("../../../../..", "is not a language code"),
    ("xx", "is not a language code"),
    ("fr", "has no translation under locale/"),
    ("", "is not a language code"),
])
def test_a_language_is_a_known_code_with_a_catalogue_before_any_work(spanish_mini, monkeypatch, language, says):
    from dpskit.build import build
    from dpskit.content import InvalidContent

    root = spanish_mini
    walked = []
    monkeypatch.setattr(catalogs.Translator, "__init__", lambda *a, **k: walked.append(a) or None)
    for args in (["check", "--language", language], ["build", "--quiet", "--language", language, "--no-pdf"]):
        result = _run(root, *args)
        assert result.exit_code in (1, 2) and says in result.output, result.output
    workshop = root / "workshop.xx.yml"
    workshop.write_text((root / "workshop.yml").read_text(encoding="utf-8") + f'language: "{language}"\n', encoding="utf-8")
    with pytest.raises(InvalidContent, match=re.escape(says)):
        build(root, root / "build" / "x", workshop=workshop, pdf=False)
    assert not walked, "no catalogue was read"
    assert not (root / "build").exists()


def test_a_regional_code_reads_its_languages_catalogue(spanish_mini):
    from dpskit.content import load_content

    content, errors = load_content(spanish_mini, language="es-MX")
    assert errors == [] and content.title.startswith("ES ")


@pytest.mark.parametrize("language", ["", "../es", "es/../../x", "{elsewhere}"])
def test_translate_update_refuses_a_path_as_a_language(mini_root, tmp_path, language):
    elsewhere = tmp_path / "elsewhere"
    result = _run(mini_root, "translate", "update", "--language", language.format(elsewhere=elsewhere))
    assert result.exit_code == 1 and "is not a language code" in result.output and "nothing was written" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (mini_root / "locale").exists() and not elsewhere.exists() and not (mini_root.parent / "es").exists()


def test_translate_update_in_a_read_only_checkout_is_one_line(mini_root, monkeypatch):
    def read_only(self, data):
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "write_bytes", read_only)
    result = _run(mini_root, "translate", "update", "--language", "es")
    assert result.exit_code == 1 and "Read-only file system" in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


# ---------------------------------------------------------------- cascades and invisible characters

def test_one_syntax_error_in_scripts_yaml_is_one_problem(mini_root):
    from dpskit.content import load_content

    scripts = mini_root / "data/scripts.yaml"
    lines = scripts.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith("say:"))
    lines[at] += " : : ["
    scripts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, errors = load_content(mini_root)
    assert [(e.file, e.line) for e in errors] == [("data/scripts.yaml", at + 1)], [str(e) for e in errors]


@pytest.mark.parametrize("control", ["\u202e", "\u2067", "\u202a"])
def test_a_bidi_control_in_a_workshop_value_is_refused_naming_the_key(mini_root, control):
    from dpskit.build import build
    from dpskit.content import InvalidContent

    workshop = mini_root / "workshop.yml"
    text = workshop.read_text(encoding="utf-8")
    assert 'legal_hotline: "555-0100"' in text
    workshop.write_text(text.replace('legal_hotline: "555-0100"', f'legal_hotline: "555-{control}0100"'), encoding="utf-8")
    checked = _run(mini_root, "check", "--workshop", str(workshop))
    problems = [line for line in checked.output.splitlines() if "bidi control" in line]
    assert checked.exit_code == 1 and len(problems) == 1 and "workshop.yml:" in problems[0], checked.output
    assert "[contacts.legal_hotline]" in problems[0] and f"U+{ord(control):04X}" in problems[0]
    with pytest.raises(InvalidContent, match=r"contacts\.legal_hotline"):
        build(mini_root, mini_root / "build" / "w", workshop=workshop, pdf=False)
    assert not (mini_root / "build" / "w").exists()
    # a right-to-left mark does not reorder anything: a value may hold one
    workshop.write_text(text.replace('legal_hotline: "555-0100"', 'legal_hotline: "555-0100\u200f"'), encoding="utf-8")
    assert _run(mini_root, "check", "--workshop", str(workshop)).exit_code == 0


def test_an_interface_translation_never_brings_markup_into_a_page(monkeypatch):
    """Jinja trusts what gettext returns as HTML: a msgstr of the interface catalogue is shown as text."""
    import gettext

    from dpskit import i18n
    from dpskit.render import environment

    class Hostile(gettext.NullTranslations):
        def gettext(self, message):
            return {"Check": "<img src=x onerror=alert(1)>Comprobar & ver", "Try again": "Otra vez"}.get(message, message)

    monkeypatch.setattr(i18n, "translation", lambda language: Hostile())
    with i18n.using("es"):
        page = environment().from_string('<button>{{ _("Check") }}</button><button>{{ _("Try again") }}</button>'
                                         '{% trans n=2 %}{{ n }} of <{{ n }}>{% endtrans %}').render()
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;Comprobar &amp; ver" in page
    assert "<button>Otra vez</button>" in page and "2 of <2>" in page, page
    assert i18n.inert("Press <kbd>Esc</kbd>", 'Pulse <kbd onclick="x()">Esc</kbd>') == "Pulse <kbd>Esc</kbd>"
