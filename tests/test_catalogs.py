"""Content catalogues (dpskit.catalogs): what is extracted, how an update merges, that a build
in another language shows the translations (and English where they are fuzzy or missing), and
that a translation keeps every placeholder, citation, link and tag (dpskit check --language) and that
the shipped ones are complete."""

from __future__ import annotations

import json
import re
import shutil
import warnings
from pathlib import Path

import pytest

from dpskit import catalogs
from dpskit.content.yamlio import load_yaml

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"

# Every string in the content that the walk deliberately leaves in English, by key: ids and
# references, dates, enums, URLs, a source's title and publisher (names), the manifest's
# plumbing. Anything else must be extracted: a new text field fails this test until it is
# added to dpskit.catalogs.TRANSLATABLE_KEYS or here, with a reason.
NOT_TRANSLATED = {
    "*": {"id", "session", "sources", "start", "next", "scripts", "script", "type", "ending", "reviewed", "key"},
    "curriculum.yml": {"license", "life_cycle", "language", "notebook"},
    "data/sources.yaml": {"title", "publisher", "url", "kind", "status", "scope", "note"},  # note: only the ones the guide shows
}
CSV_NOT_TRANSLATED = {"data/glossary.csv": {"sources"}, "data/timeline.csv": {"date", "category", "sources"}}
MARKER = "ES·"


def _string_leaves(node, keys=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _string_leaves(value, (*keys, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _string_leaves(value, (*keys, index))
    elif isinstance(node, str):
        yield keys, node


def _last_name(keys):
    return next(k for k in reversed(keys) if isinstance(k, str))


def test_every_text_field_of_the_content_is_extracted_or_deliberately_english():
    yaml_files = ["curriculum.yml", *sorted(p.relative_to(REPO).as_posix() for p in (REPO / "data").rglob("*.yaml"))]
    left_out = []
    for rel in yaml_files:
        data = load_yaml(REPO / rel).data
        extracted = {keys for _, keys in catalogs.walk_yaml(rel, data)}
        for keys, value in _string_leaves(data):
            name = _last_name(keys)
            if keys in extracted or not value.strip() or name in NOT_TRANSLATED["*"] | NOT_TRANSLATED.get(rel, set()):
                continue
            if name == "text" and value in ("True", "False"):  # a true/false question's fixed options
                continue
            left_out.append(f"{rel}: {'/'.join(map(str, keys))} = {value[:50]!r}")
    for rel, (_, columns) in catalogs.CSV_COLUMNS.items():
        header = (REPO / rel).read_text(encoding="utf-8").partition("\n")[0].split(",")
        left_out += [f"{rel}: column {c}" for c in header if c not in columns and c not in CSV_NOT_TRANSLATED[rel]]
    assert not left_out, "text that is neither extracted nor listed as kept in English:\n" + "\n".join(left_out)
    # the source notes the guide's "check before teaching" shows are extracted ([DATED] ones, and those of
    # secondary or unverified sources), and no other note
    shown = {f"data/sources.yaml#{s['id']}/note" for s in load_yaml(REPO / "data/sources.yaml").data
             if s.get("note") and (s["note"].startswith("[DATED]") or s["status"] in ("secondary", "unverified"))}
    notes = {m.context for m in catalogs.file_messages(REPO, "data/sources.yaml") if m.context.endswith("/note")}
    assert shown and notes == shown
    assert not [m for m in catalogs.file_messages(REPO, "data/sources.yaml") if m.context.endswith("/title")]


def test_every_markdown_cell_and_session_text_is_extracted_and_no_code_cell():
    for path in sorted((REPO / "sessions").glob("*.ipynb")):
        rel = path.relative_to(REPO).as_posix()
        nb = json.loads(path.read_text(encoding="utf-8"))
        messages = {m.context: m.msgid for m in catalogs.file_messages(REPO, rel)}
        for cell in nb["cells"]:
            source = "".join(cell["source"])
            context = f"{rel}#{cell['id']}"
            if cell["cell_type"] == "markdown" and source.strip():
                assert messages.get(context) == source
            else:
                assert context not in messages
        meta = nb["metadata"]["dpskit"]
        for keys, value in _string_leaves(meta):
            if keys != ("id",) and keys[0] != "parts" or keys[-1] == "title":
                assert messages.get(f"{rel}#metadata/{'/'.join(map(str, keys))}") == value, (rel, keys)


def test_contexts_are_unique_and_guides_split_into_blocks():
    messages = catalogs.extract(REPO)
    contexts = [m.context for ms in messages.values() for m in ms]
    assert len(contexts) == len(set(contexts))
    guide = [m for m in messages["sessions/02-your-rights"] if m.file.startswith("facilitator_guides/")]
    text = (REPO / "facilitator_guides/02-your-rights.md").read_text(encoding="utf-8")
    headings = re.findall(r"^#+ (.+)$", text, re.MULTILINE)
    items = re.findall(r"^\s*- ", text, re.MULTILINE)
    assert [m.msgid for m in guide if m.msgid in headings] == headings
    assert len(guide) >= len(headings) + len(items)
    assert all("\n" not in m.msgid for m in guide), "a block's soft line breaks are joined"


def _copy(source: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    for name in ("curriculum.yml", "sessions", "data", "facilitator_guides", "export", "locale"):
        if (source / name).exists():
            (shutil.copytree if (source / name).is_dir() else shutil.copy)(source / name, target / name)
    return target


def _page(path: Path) -> str:
    """A page's text with character references resolved (pages may write · as &#183;)."""
    import html

    return html.unescape(path.read_text(encoding="utf-8"))


def _fake_spanish(english: str) -> str:
    """A recognisable 'translation' that keeps the markdown structure and every placeholder."""
    return re.sub(r"^(\s*(?:#+ |[-*] |\d+\. |> )?)", rf"\g<1>{MARKER}", english, count=1)


def _translate_all(root: Path, language: str = "es", skip=lambda context: False) -> int:
    count = 0
    for path in sorted((root / catalogs.LOCALE / language).rglob("*.po")):
        catalogue = catalogs.read_catalogue(path)
        for message in catalogue:
            if message.id and not skip(message.context):
                message.string = _fake_spanish(message.id)
                count += 1
        catalogs.write_catalogue(path, catalogue)
    return count


def test_update_merges_by_context_and_never_drops_a_translation(tmp_path):
    root = _copy(FIXTURES / "mini", tmp_path / "mini")
    assert catalogs.update(root, "es")
    assert catalogs.update(root, "es") == [], "an update with nothing changed writes nothing"
    total = _translate_all(root)
    assert total > 20
    shared = catalogs.catalogue_path(root, "es", "shared")
    catalogue = catalogs.read_catalogue(shared)
    assert catalogue.locale_identifier == "es" and catalogue.review == catalogs.AWAITING_REVIEW
    assert "X-Review-Status: community translation, awaiting review by a native-speaking trainer" in shared.read_text()
    # a script removed from the English: its translation is kept, obsolete; a new one comes in empty
    scripts = root / "data/scripts.yaml"
    data = load_yaml(scripts).data
    gone = data[0]["id"]
    text = scripts.read_text(encoding="utf-8").replace(f"id: {gone}", "id: brand-new-script", 1)
    scripts.write_text(text, encoding="utf-8")
    assert catalogs.update(root, "es") == ["shared"]
    after = catalogs.read_catalogue(shared)
    assert [m.context for m in after.obsolete.values() if m.context.startswith(f"data/scripts.yaml#{gone}/")]
    assert "#~ msgctxt" in shared.read_text()
    new = [m for m in after if m.context and m.context.startswith("data/scripts.yaml#brand-new-script/")]
    assert new and all(m.string == "" for m in new)
    # and back: the obsolete translation returns, not fuzzy
    scripts.write_text(text.replace("id: brand-new-script", f"id: {gone}", 1), encoding="utf-8")
    catalogs.update(root, "es")
    back = [m for m in catalogs.read_catalogue(shared) if m.context and m.context.startswith(f"data/scripts.yaml#{gone}/")]
    assert back and all(m.string.startswith(MARKER) and "fuzzy" not in m.flags for m in back)
    assert all(c.missing == 0 and c.fuzzy == 0 for c in catalogs.coverage(root, "es"))


def test_changed_english_marks_exactly_that_message_fuzzy_and_the_build_shows_english_for_it(tmp_path):
    from dpskit.build import build

    root = _copy(REPO, tmp_path / "repo")
    shutil.rmtree(root / "locale", ignore_errors=True)
    catalogs.update(root, "es")
    _translate_all(root)
    bank = root / "data/quizzes/02-your-rights.yaml"
    english = "Closer, and not talking is good."
    assert bank.read_text(encoding="utf-8").count(english) == 1
    bank.write_text(bank.read_text(encoding="utf-8").replace(english, "Closer: not talking is good."), encoding="utf-8")
    assert catalogs.update(root, "es") == ["sessions/02-your-rights"]
    catalogue = catalogs.read_catalogue(catalogs.catalogue_path(root, "es", "sessions/02-your-rights"))
    fuzzy = [m for m in catalogue if m.id and "fuzzy" in m.flags]
    assert len(fuzzy) == 1 and fuzzy[0].context.startswith("data/quizzes/02-your-rights.yaml#")
    assert fuzzy[0].string.startswith(MARKER + english)
    assert catalogs._previous_english(fuzzy[0])[1].startswith("Closer, and not talking is good. But the courts say")
    po = catalogs.catalogue_path(root, "es", "sessions/02-your-rights")
    before = po.read_text(encoding="utf-8")
    assert "#| msgid \"Closer, and not talking is good." in before
    assert catalogs.update(root, "es") == [] and po.read_text(encoding="utf-8") == before, "a second update keeps it as it is"
    report = {c.name: c for c in catalogs.coverage(root, "es")}
    assert (report["sessions/02-your-rights"].fuzzy, report["sessions/02-your-rights"].missing) == (1, 0)
    assert sum(c.fuzzy + c.missing for c in report.values()) == 1

    result = build(root, root / "build", sessions=["02-your-rights"], formats=["guide"], pdf=False, language="es")
    assert [w for w in result.warnings if "sessions/02-your-rights" in w and "1 fuzzy" in w]
    guide = _page(root / "build/guide/02-your-rights.guide.html")
    assert "Closer: not talking is good." in guide, "the fuzzy message falls back to the current English"
    assert f"{MARKER}Yes. It is calm and clear" in guide, "its neighbours are translated"


@pytest.fixture(scope="module")
def spanish_mini(tmp_path_factory):
    """The mini curriculum with a complete fake Spanish catalogue, built as a workshop in es."""
    from dpskit.build import build

    root = _copy(FIXTURES / "mini", tmp_path_factory.mktemp("es") / "mini")
    catalogs.update(root, "es")
    _translate_all(root)
    workshop = root / "workshop.es.yml"
    workshop.write_text((FIXTURES / "mini/workshop.yml").read_text(encoding="utf-8") + "language: es\n", encoding="utf-8")
    result = build(root, root / "build" / "es-pack", workshop=workshop, pdf=False)
    return root, workshop, result


def test_a_spanish_build_shows_the_translations_in_every_output(spanish_mini):
    root, _, result = spanish_mini
    out, participant = result.out, result.participant
    assert not [w for w in result.warnings if "stay in English" in w]
    slides = _page(out / "slides/01-mini.slides.html")
    assert f"{MARKER}Mini session" in slides and f"{MARKER}Remain silent" in slides and f"{MARKER}Stops" in slides
    assert ">Remain silent<" not in slides, "no English heading left"
    guide = _page(out / "guide/01-mini.guide.html")
    assert f"{MARKER}Care" in guide and f"{MARKER}AUTHORED-GUIDE-TEXT" in guide and ">Care<" not in guide
    assert f"{MARKER}NOTES-FACILITATOR-ONE" in guide
    assert "awaiting review by a native-speaking trainer" in guide or "pendiente de revisión" in guide
    notebook = json.loads((participant / "notebooks/01-mini.ipynb").read_text(encoding="utf-8"))
    assert any(MARKER in "".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    # the data the participant notebooks load is the Spanish data, and says so
    data = load_yaml(participant / "data/scripts.yaml").data
    assert all(script["say"].startswith(MARKER) for script in data)
    assert load_yaml(participant / "curriculum.yml").data["language"] == "es"
    quiz = next((participant / "data/quizzes").glob("*.yaml")).read_text(encoding="utf-8")
    assert MARKER in quiz and "talking_points" not in quiz
    assert MARKER in (participant / "data/glossary.csv").read_text(encoding="utf-8")
    # the pack's notebooks load that copy as valid content in its language; True/False in the tool's words
    from dpskit.content import load_content

    pack_content, errors = load_content(participant, notebooks=False)
    assert errors == [] and pack_content.language == "es"
    item = next(i for i in pack_content.quiz_items.values() if i.type == "true_false")
    assert [o.text for o in item.options] == list(catalogs.true_false("es")) != ["True", "False"]
    assert catalogs.true_false("es")[0] in _page(out / "guide/answer-key.html")
    for page in ("index.html", "guide/answer-key.html", "cards/pocket-card.html"):
        assert MARKER in _page(out / page), page


def test_an_edited_translation_rebuilds_and_english_is_never_served_from_spanish(spanish_mini):
    from dpskit.build import build

    root, workshop, first = spanish_mini
    again = build(root, first.out, workshop=workshop, pdf=False)
    assert again.up_to_date
    path = catalogs.catalogue_path(root, "es", "sessions/01-mini")
    catalogue = catalogs.read_catalogue(path)
    for message in catalogue:
        if message.id and "NARRATIVE-STOPS" in message.id:
            message.string = message.string.replace("NARRATIVE-STOPS", "ES-EDITADO·NARRATIVE-STOPS")
    catalogs.write_catalogue(path, catalogue)
    edited = build(root, first.out, workshop=workshop, pdf=False)
    assert "slides/01-mini.slides.html" in edited.rendered
    assert "ES-EDITADO·NARRATIVE-STOPS" in _page(first.out / "slides/01-mini.slides.html")
    for name in ("sessions/01-mini", "shared"):  # a reviewer signs both off: the guide drops its notice
        path = catalogs.catalogue_path(root, "es", name)
        catalogue = catalogs.read_catalogue(path)
        catalogue.review = catalogs.REVIEWED
        catalogs.write_catalogue(path, catalogue)
    reviewed = build(root, first.out, workshop=workshop, pdf=False)
    assert "guide/01-mini.guide.html" in reviewed.rendered
    guide = _page(first.out / "guide/01-mini.guide.html")
    assert "awaiting review" not in guide and "pendiente de revisión" not in guide
    english = build(root, root / "build" / "en", formats=["slides"], pdf=False)
    text = _page(english.out / "slides/01-mini.slides.html")
    assert MARKER not in text and "ES-EDITADO" not in text and "NARRATIVE-STOPS" in text


# ---------------------------------------------------------------- placeholders survive translation

def test_the_placeholder_check_catches_a_slip():
    english = "Say it [@miranda-1966] [DATED] and call [[contact:legal_hotline]] ([the NLG](https://nlg.org))."
    slips = catalogs.translation_slips
    assert slips(english, "Dígalo [@miranda-1966] [DATED] y llame a [[contact:legal_hotline]] ([el NLG](https://nlg.org)).") == []
    assert slips(english, "Dígalo [@miranda-1966] [FECHADO] y llame a [[contacto:legal_hotline]] ([el NLG](https://nlg.org)).")
    assert slips(english, "Dígalo [@miranda1966] [DATED] y llame a [[contact:legal_hotline]] ([el NLG](https://nlg.org)).")
    assert slips(english, "Dígalo [DATED] y llame a [[contact:legal_hotline]] ([el NLG](https://nlg.org)).") == ["citation lost [@miranda-1966]"]
    same = english.replace("Say it", "Dígalo")
    for injected in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<IMG SRC=x ONERROR=alert(1)", "<!-- x -->"):
        assert [s for s in slips(english, same + injected) if s.startswith("HTML added")], injected
    assert slips(same + "[x](javascript:alert(1))", same + "[x](javascript:alert(1))") == []
    assert slips(english, same.replace("[[contact", "\u202e[[contact")) == ["bidi control added U+202E"]
    assert slips(english, same + "[x](javascript:alert(1))") == ["link target added javascript:alert(1"]
    # the same tags, with the same attributes
    assert slips('Press <kbd class="k">Esc</kbd>', 'Pulse <kbd class="k">Esc</kbd>') == []
    assert slips('Press <kbd class="k">Esc</kbd>', 'Pulse <kbd class="k" onclick="alert(1)">Esc</kbd>')


def test_translated_html_is_cut_to_the_english_tags():
    assert catalogs.sanitize("Press <kbd>Esc</kbd>", 'Pulse <kbd onclick="x()">Esc</kbd><script>alert(1)</script>') == "Pulse <kbd>Esc</kbd>"
    assert catalogs.sanitize("Plain", 'Llano <img src=x onerror="alert(1)">') == "Llano "
    assert catalogs.sanitize("Under 18", "menores de < 18 & más") == "menores de < 18 & más", "text is left as it is"


@pytest.mark.parametrize("language", catalogs.languages(REPO) or [pytest.param("es", marks=pytest.mark.skip("no locale/ yet"))])
def test_every_shipped_translation_keeps_its_placeholders(language):
    from click.testing import CliRunner

    from dpskit.cli import cli

    result = CliRunner().invoke(cli, ["--root", str(REPO), "check", "--language", language])
    assert "must keep" not in result.output and "not a valid catalogue" not in result.output, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


INJECTIONS = [  # (what the translator did, the English it is done to, the translation)
    ("script", "NARRATIVE-SILENCE", lambda es: es + "<script>fetch('//evil')</script>"),
    ("img onerror", "NARRATIVE-STOPS", lambda es: es + '<img src=x onerror="alert(1)">'),
    ("dropped citation", "NARRATIVE-SILENCE", lambda es: es.replace(" [@miranda-1966]", "")),
    ("renamed [DATED]", "[DATED]", lambda es: es.replace("[DATED]", "[FECHADO]")),
]


@pytest.mark.parametrize("what,english,translate", INJECTIONS, ids=[i[0] for i in INJECTIONS])
def test_check_and_build_refuse_a_translation_that_adds_html_or_drops_a_citation(tmp_path, what, english, translate):
    from click.testing import CliRunner

    from dpskit.build import build
    from dpskit.cli import cli
    from dpskit.content import InvalidContent

    root = _copy(FIXTURES / "mini", tmp_path / "mini")
    sources = root / "data/sources.yaml"  # a [DATED] source note: the guide shows it, so it is a message
    text = sources.read_text(encoding="utf-8")
    assert "note:" not in text.split("- id:")[1]
    sources.write_text(text.replace("- id: miranda-1966\n", "- id: miranda-1966\n  note: \"[DATED] Changed in 2026.\"\n", 1), encoding="utf-8")
    catalogs.update(root, "es")
    _translate_all(root)
    edited = []
    for path in sorted((root / "locale/es").rglob("*.po")):
        catalogue = catalogs.read_catalogue(path)
        for message in catalogue:
            if message.id and english in message.id:
                message.string = translate(message.string)
                edited.append((path.relative_to(root).as_posix(), message.context))
        catalogs.write_catalogue(path, catalogue)
    assert edited
    checked = CliRunner().invoke(cli, ["--root", str(root), "check", "--language", "es"])
    assert checked.exit_code == 1, checked.output
    for rel, context in edited:
        assert re.search(rf"{re.escape(rel)}:\d+: \[{re.escape(context)}\] the translation must keep the English's", checked.output), checked.output
    with pytest.raises(InvalidContent) as refused:
        build(root, root / "build" / "es", formats=["slides"], pdf=False, language="es")
    assert "must keep" in str(refused.value)
    assert not (root / "build" / "es").exists()


@pytest.mark.parametrize("language", catalogs.languages(REPO) or [pytest.param("es", marks=pytest.mark.skip("no locale/ yet"))])
def test_a_shipped_language_is_complete(language, in_ci):
    """CI fails while a shipped language has missing or fuzzy strings; locally it says so loudly."""
    report = catalogs.coverage(REPO, language)
    problems = [f"{c.name}: {c.fuzzy} fuzzy, {c.missing} missing" + (" (stale: run dpskit translate update)" if c.stale else "")
                for c in report if c.fuzzy or c.missing or c.problems or c.stale]
    if problems and not in_ci:
        message = f"locale/{language} is not complete yet ({len(problems)} catalogues):\n" + "\n".join(problems)
        warnings.warn(message)
        pytest.skip(f"SKIPPED LOUDLY: {message}")
    assert not problems, f"locale/{language} must be 100 % translated, 0 fuzzy:\n" + "\n".join(problems)


def test_the_commands_update_and_check(tmp_path):
    from click.testing import CliRunner

    from dpskit.cli import cli

    root = _copy(FIXTURES / "mini", tmp_path / "mini")
    runner = CliRunner()
    updated = runner.invoke(cli, ["--root", str(root), "translate", "update", "--language", "es"])
    assert updated.exit_code == 0 and "sessions/01-mini" in updated.output
    assert (root / "locale/es/sessions/01-mini.po").is_file() and (root / "locale/es/shared.po").is_file()
    incomplete = runner.invoke(cli, ["--root", str(root), "check", "--language", "es"])
    assert incomplete.exit_code == 1
    assert re.search(r"sessions/01-mini\s+0 translated\s+0 fuzzy\s+\d+ missing", incomplete.output)
    _translate_all(root)
    complete = runner.invoke(cli, ["--root", str(root), "check", "--language", "es"])
    assert complete.exit_code == 0, complete.output
    assert "100.0 %" in complete.output and "awaiting review" in complete.output
    # a translation that breaks a citation is caught where the build would read it
    path = catalogs.catalogue_path(root, "es", "sessions/01-mini")
    catalogue = catalogs.read_catalogue(path)
    for message in catalogue:
        if message.id and "[@miranda-1966]" in message.id:
            message.string = message.string.replace("[@miranda-1966]", "[@miranda-1966-es]")
    catalogs.write_catalogue(path, catalogue)
    broken = runner.invoke(cli, ["--root", str(root), "check", "--language", "es"])
    assert broken.exit_code == 1 and "miranda-1966-es" in broken.output
