"""The Spanish interface and the Spanish pack (issue 15): the interface catalogue is complete and
keeps its placeholders, one switch sets the language for a build and for a kernel, the example
workshop.es.yml builds a pack whose every page says lang="es" and whose controls speak Spanish
(static pages in Chromium, participant notebooks in a real kernel), the bilingual pocket card
carries both languages, and the guide says the translation awaits review.

These assert on the interface language and on `lang`, not on how much content is translated
(dpskit check --language and tests/test_catalogs.py own that)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from conftest import missing

from dpskit import i18n
from dpskit.i18n import _

REPO = Path(__file__).resolve().parents[1]


def spanish(message: str) -> str:
    with i18n.using("es"):
        return _(message)


@pytest.fixture(autouse=True)
def english_afterwards():
    """A test that switches the process's language leaves it as every other test expects."""
    yield
    i18n.set_language(None)


# --------------------------------------------------------------------------- the catalogue


def test_interface_catalogue_is_complete_keeps_placeholders_and_awaits_review():
    from dpskit.catalogs import AWAITING_REVIEW
    from dpskit.messages import coverage, extract

    strings = [m for m in extract() if m.id]
    assert len(strings) > 300, "extraction found the templates and the Python strings"
    files = {loc[0].split("/")[0] for m in strings for loc in m.locations}
    assert files == {"src", "export"}, files
    report = coverage("es")
    assert report.missing == [] and report.fuzzy == [] and report.broken == [], report
    assert report.translated == len(strings)
    assert report.review == AWAITING_REVIEW


def test_a_changed_english_string_becomes_fuzzy_and_shows_in_english(tmp_path):
    """`make messages` after an edit: the changed string is fuzzy (not used), the others stay."""
    from dpskit.messages import coverage, update

    checkout = tmp_path / "checkout"
    (checkout / "src").mkdir(parents=True)
    (checkout / "babel.cfg").write_text("[python: src/**.py]\n")
    (checkout / "src" / "mod.py").write_text('from dpskit.i18n import _\n_("Check")\n_("Not quite. Read the feedback and try once more.")\n')
    catalogue = tmp_path / "dpskit.po"
    shutil.copyfile(i18n.catalogue_path("es"), catalogue)
    update("es", checkout, catalogue)
    report = coverage("es", checkout, catalogue)
    assert report.translated == 1 and report.fuzzy == ["Not quite. Read the feedback and try once more."], report
    compiled = i18n.compile_catalogue(catalogue)
    assert compiled.gettext("Check") == spanish("Check") != "Check"
    assert compiled.gettext("Not quite. Read the feedback and try once more.") == "Not quite. Read the feedback and try once more."
    from dpskit.catalogs import AWAITING_REVIEW, read_catalogue, review_status

    assert review_status(read_catalogue(catalogue)) == AWAITING_REVIEW, "the review header survives the merge"


def test_one_switch_for_the_language():
    from dpskit.render import quiz_messages, render_score

    assert i18n.language() == "en" and _("Check") == "Check"
    with i18n.using("es") as code:
        assert code == "es" and _("Check") == "Verificar" and quiz_messages()["correct"] == "Correcto."
        assert "su puntaje aparecerá aquí" in render_score("interactive")  # templates read the same switch
        with i18n.using("en"):
            assert _("Check") == "Check"
        assert _("Try again") == "Intentar de nuevo"
        assert i18n.ngettext("%(num)d page", "%(num)d pages", 3) % {"num": 3} == "3 páginas"
    assert _("Check") == "Check"
    with i18n.using("es-MX"):
        assert _("Check") == "Verificar", "a regional code uses the language's catalogue"


def test_a_kernel_speaks_its_packs_language(mini_root, monkeypatch, dummy_comm):
    """A participant notebook's kernel reads the pack's curriculum.yml, which records the build's
    language: the widgets it shows speak it."""
    from dpskit import notebook
    from dpskit.widgets import Quiz

    manifest = mini_root / "curriculum.yml"
    manifest.write_text(manifest.read_text() + "language: es\n")
    bank = mini_root / "data" / "quizzes" / "01-mini.yaml"  # a Spanish pack's data is Spanish: true/false options too
    bank.write_text(bank.read_text().replace('text: "True"', 'text: "Verdadero"').replace('text: "False"', 'text: "Falso"'))
    monkeypatch.setenv("DPSKIT_ROOT", str(mini_root))
    monkeypatch.delenv("DPSKIT_LANGUAGE", raising=False)
    notebook.content.cache_clear()
    try:
        data = notebook.content()
        assert i18n.language() == "es"
        quiz = Quiz(next(iter(data.quiz_items.values())))
        assert quiz.check_button.description == "Verificar" and quiz.retry_button.description == "Intentar de nuevo"
    finally:
        notebook.content.cache_clear()


# --------------------------------------------------------------------------- workshop.yml


@pytest.mark.parametrize("extra, key, words", [
    ("language: es\npocket_card: both\n", "pocket_card", "single"),
    ("language: fr\n", "language", "no interface translation into 'fr'"),
    ("language: en\npocket_card: bilingual\n", None, None),
])
def test_language_and_pocket_card_are_validated_with_file_line_and_key(mini_root, extra, key, words):
    from dpskit.content import InvalidContent, load_valid_content
    from dpskit.workshop import load_workshop

    workshop = mini_root / "workshop.yml"
    text = "\n".join(line for line in workshop.read_text().splitlines() if not line.startswith(("language:", "pocket_card:")))
    workshop.write_text(text + "\n" + extra)
    content = load_valid_content(mini_root)
    if key is None:
        plan, _ = load_workshop(workshop, content)
        assert plan.pocket_card == "bilingual" and plan.language == "en"
        return
    with pytest.raises(InvalidContent) as failure:
        load_workshop(workshop, content)
    (error,) = [e for e in failure.value.errors if e.key == key]
    line = next(n for n, text in enumerate(workshop.read_text().splitlines(), 1) if text.startswith(f"{key}:"))
    assert error.file == "workshop.yml" and error.line == line and words in error.message, error


def test_a_bilingual_card_pairs_english_and_spanish_only(mini_root):
    from dpskit.content import InvalidContent, load_valid_content
    from dpskit.workshop import load_workshop

    workshop = mini_root / "workshop.yml"
    text = "\n".join(line for line in workshop.read_text().splitlines() if not line.startswith("language:"))
    # a language with an interface catalogue but no Spanish/English pair cannot exist yet: a regional English can
    workshop.write_text(text + "\nlanguage: en-US\npocket_card: bilingual\n")
    plan, _ = load_workshop(workshop, load_valid_content(mini_root))
    assert plan.pocket_card == "bilingual"
    workshop.write_text(text + "\nlanguage: pt\npocket_card: bilingual\n")
    with pytest.raises(InvalidContent) as failure:
        load_workshop(workshop, load_valid_content(mini_root))
    assert {e.key for e in failure.value.errors} == {"language", "pocket_card"}


# --------------------------------------------------------------------------- the Spanish pack


def pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def test_every_page_of_both_spanish_packs_says_lang_es(spanish_packs):
    result, plan = spanish_packs
    assert plan.language == "es" and result.out.name == plan.slug
    for pack in (result.out, result.participant):
        found = pages(pack)
        assert len(found) > 10
        wrong = {p.relative_to(pack).as_posix(): m.group(1) if m else None
                 for p in found for m in [re.search(r'<html[^>]*\blang="([^"]*)"', p.read_text(encoding="utf-8"))]
                 if not m or m.group(1) != "es"}
        assert wrong == {}, f"pages of {pack.name} without lang=\"es\": {wrong}"
    from dpskit.participant import pack_language, server_command

    assert pack_language(result.participant) == "es"
    assert "--VoilaExporter.language_code=es" in server_command(result.participant, open_browser=False)


def test_spanish_pack_interface_text(spanish_packs):
    """The words the interface adds are the Spanish ones, on every kind of page."""
    result, _ = spanish_packs
    out = result.out

    def text(rel: str) -> str:
        return " ".join(BeautifulSoup((out / rel).read_text(encoding="utf-8"), "html.parser").get_text().split())

    index = text("index.html")
    for words in ("Agenda", "Sesiones", "Antes del día", "Paquete para facilitadores"):
        assert words in index, words
    deck = (out / "slides/02-your-rights.slides.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(deck, "html.parser")
    buttons = {b.get_text(strip=True) for b in soup.select("form.dpskit-quiz button")}
    assert {"Verificar", "Intentar de nuevo"} <= buttons, buttons
    assert "Check" not in buttons and "Try again" not in buttons
    import json

    messages = json.loads(soup.select_one("form.dpskit-quiz")["data-messages"])
    assert messages["correct"] == "Correcto." and messages["choose"] == "Primero elija una respuesta."
    guide = text("guide/02-your-rights.guide.html")
    assert "Guía para facilitadores" in guide and "Verifique antes de enseñar" in guide
    assert "Esta es una traducción comunitaria, pendiente de revisión" in guide, "the guide says the Spanish awaits review"
    assert "Para llevar: guarde esta hoja" in text("handouts/02-your-rights.takehome.html")
    assert "Qué revisar" in text("materials/sample-warrants.html"), \
        "the Spanish session's materials still ask for the SAMPLE warrants (matched on their English)"
    assert "Antes del día" in text("before-the-day.html")


def test_the_bilingual_card_has_english_on_one_side_and_spanish_on_the_other(spanish_packs):
    from dpskit.content import load_valid_content

    result, _ = spanish_packs
    soup = BeautifulSoup((result.out / "cards/pocket-card.html").read_text(encoding="utf-8"), "html.parser")
    sheets = soup.select("section.sheet")
    assert [s["lang"] for s in sheets] == ["es", "en", "es", "en", "es", "es"]  # the contacts card: labels in both
    assert [("fronts" in s["class"]) for s in sheets] == [True, False] * 3
    english = load_valid_content(REPO)
    say = english.scripts[english.pocket_card.scripts[0]].say
    assert say in sheets[1].get_text(), "the English side prints the English scripts"
    assert "Después de cualquier encuentro" in [h.get_text() for h in sheets[2].select("h2")]
    assert "After any encounter" in [h.get_text() for h in sheets[3].select("h2")]
    contacts = sheets[4].get_text()
    assert "Legal hotline" in contacts and "Línea de ayuda legal" in contacts
    pdf = result.out / "cards/pocket-card.pdf"
    if pdf.is_file():
        from dpskit.packs import pdf_pages

        assert pdf_pages(pdf) == 6, "three cards (say, after, who to call), each printed on both sides"


def test_spanish_participant_notebook_runs_in_a_kernel_and_speaks_spanish(spanish_packs, tmp_path):
    """The participant pack copied away from the checkout; a notebook run in a real kernel (as Voilà
    and JupyterLab run it): its quiz widgets' buttons are Spanish."""
    from nbclient import NotebookClient

    result, _ = spanish_packs
    stick = tmp_path / result.participant.name
    shutil.copytree(result.participant, stick)
    notebook = stick / "notebooks" / "02-your-rights.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    env_free = {"DPSKIT_ROOT", "DPSKIT_LANGUAGE"}
    import os

    saved = {k: os.environ.pop(k) for k in env_free if k in os.environ}
    try:
        NotebookClient(nb, timeout=180, resources={"metadata": {"path": str(notebook.parent)}},
                       store_widget_state=True).execute()
    finally:
        os.environ.update(saved)
    states = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"].values()
    descriptions = {s["state"].get("description") for s in states if s.get("model_name") == "ButtonModel"}
    assert "Verificar" in descriptions and "Check" not in descriptions, descriptions


@pytest.mark.slow
def test_participant_mode_serves_the_spanish_pack_in_spanish(spanish_packs, tmp_path):
    """`dpskit participant` on a copy of the Spanish participant pack: Voilà's page says lang="es"
    and the quizzes its kernel renders say "Verificar"; nothing reaches another host."""
    import importlib.util
    import urllib.request

    if importlib.util.find_spec("voila") is None:
        missing("voila is not installed (pip install -e '.[live]'): participant mode in Spanish was NOT checked")
    from live_support import LiveServer

    result, _ = spanish_packs
    stick = tmp_path / result.participant.name
    shutil.copytree(result.participant, stick)
    server = LiveServer(stick, lab=False, log_dir=tmp_path)
    try:
        with urllib.request.urlopen(server.url("voila/render/02-your-rights.ipynb"), timeout=300) as response:
            html = response.read().decode("utf-8")
    finally:
        server.stop()
    artifacts = REPO / "build" / "test-artifacts" / "live"
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "voila-es-02-your-rights.html").write_text(html, encoding="utf-8")
    assert re.search(r'<html[^>]*\blang="es"', html), "Voilà's page does not say lang=\"es\""
    button = r'(?:>|\\u003e){}(?:<|\\u003c)'  # the quiz's button, in HTML or in the JSON of a cell's output
    assert re.search(button.format("Verificar"), html), "the quizzes the kernel rendered are not in Spanish"
    assert not re.search(button.format("Check"), html)
    assert "Abriendo la sesi" in html and "Preparando la parte {index} de {count}" in html, "Voilà's loading screen in Spanish"
    assert server.final_attempts == [], server.final_attempts


# --------------------------------------------------------------------------- scripts, word for word (issue 23)


def test_every_quoted_script_says_the_catalogues_words_in_both_languages():
    """A script is memorised word for word: every message that quotes one, and each translation of
    it, quotes data/scripts.yaml (or locale/es/shared.po) exactly; so does the printed SAMPLE subpoena."""
    from dpskit.before import render_samples
    from dpskit.content import load_valid_content
    from dpskit.content.quotes import quotation_problems

    assert quotation_problems(REPO, "es") == []
    for language in ("en", "es"):
        content = load_valid_content(REPO, language=language)
        with i18n.using(language):
            page = render_samples(content, "subpoena")
        text = " ".join(BeautifulSoup(page, "html.parser").get_text().split())
        say = content.scripts["lawyer-will-call"].say
        assert f'"{say}"' in text, f"the {language} SAMPLE subpoena does not print the lawyer-will-call script"
    spanish_door = load_valid_content(REPO, language="es").scripts["not-without-warrant"].say
    assert spanish_door == ("No doy mi consentimiento para que entren. Si tienen una orden firmada por un juez, "
                            "por favor pásenla por debajo de la puerta.")


def test_the_quotation_check_catches_a_second_version_of_a_script():
    from dpskit.content.quotes import ScriptQuotes

    scripts = ScriptQuotes({"lawyer-will-call": "No quiero hablar con usted. Si me deja una tarjeta, mi abogado se comunicará con usted.",
                            "free-to-go": "¿Me está deteniendo o me puedo ir?"})
    ids, wrong = scripts.find("ui", 'diga solo: "No quiero hablar con usted. Si deja su tarjeta, mi abogado/a se comunicará con usted."')
    assert [w.script for w in wrong] == ["lawyer-will-call"] and ids == set()
    ids, wrong = scripts.find("x", 'Diga "No quiero hablar con usted." y luego "¿Me está deteniendo o me puedo ir?"')
    assert wrong == [] and ids == {"lawyer-will-call", "free-to-go"}, "a quotation may stop early"
    ids, wrong = scripts.find("x", 'No diga "Tal vez debería hablar con un abogado".')
    assert wrong == [] and ids == set(), "a sentence that only resembles a script is not a quotation of it"


# --------------------------------------------------------------------------- a volunteer translator's check (issue 23, M5)


def test_check_names_a_fuzzy_message_and_the_spanish_workshop_check_reports_it(tmp_path):
    from click.testing import CliRunner

    from dpskit import catalogs
    from dpskit.cli import cli

    root = tmp_path / "mini"
    shutil.copytree(REPO / "tests" / "fixtures" / "mini", root)
    runner = CliRunner()
    assert runner.invoke(cli, ["--root", str(root), "translate", "update", "--language", "es"]).exit_code == 0
    for path in sorted((root / "locale" / "es").rglob("*.po")):
        catalogue = catalogs.read_catalogue(path)
        for message in catalogue:
            if message.id:
                message.string = "ES " + message.id
        catalogs.write_catalogue(path, catalogue)
    assert runner.invoke(cli, ["--root", str(root), "check", "--language", "es"]).exit_code == 0
    scripts = root / "data" / "scripts.yaml"
    scripts.write_text(scripts.read_text().replace("Silence protects you once you say you are using it.",
                                                   "Silence protects you only once you say out loud that you are using it."))
    assert runner.invoke(cli, ["--root", str(root), "translate", "update", "--language", "es"]).exit_code == 0
    shared = (root / "locale/es/shared.po").read_text().splitlines()
    line = next(n for n, text in enumerate(shared, 1) if text.startswith('msgid "Silence protects you only'))
    assert shared[line - 4] == "#, fuzzy"

    result = runner.invoke(cli, ["--root", str(root), "check", "--language", "es"])
    assert result.exit_code == 1
    named = [text for text in result.output.splitlines() if text.strip().startswith("fuzzy")]
    assert named == [f'  fuzzy    locale/es/shared.po:{line}  msgctxt "data/scripts.yaml#remain-silent/why"  '
                     '"Silence protects you only once you say out loud that you are…"'], result.output
    assert "1 message(s) not translated into 'es'" in result.output and "Poedit" in result.output
    status = runner.invoke(cli, ["--root", str(root), "translate", "status", "--language", "es"])
    assert status.exit_code == 1 and re.search(r"shared\s+\d+ translated\s+1 fuzzy\s+0 missing", status.output)
    assert named[0] in status.output

    workshop = root / "workshop.yml"
    workshop.write_text(workshop.read_text() + "language: es\n")
    checked = runner.invoke(cli, ["--root", str(root), "check", "--workshop", str(workshop)])
    assert checked.exit_code == 0, checked.output
    assert "Warning: 1 message(s) not translated into 'es'" in checked.output and named[0] in checked.output


def test_the_bilingual_card_numbers_each_script_alike_on_both_sides():
    """A person points to line 4 on the Spanish side and the officer reads line 4 on the English
    side (issue 23, M7/H2): the scripts are one numbered list per side, in the same order, and the
    Spanish side says how to ask for an interpreter in English."""
    from dpskit.cards import render_pocket_card
    from dpskit.content import load_valid_content

    spanish_content, english = load_valid_content(REPO, language="es"), load_valid_content(REPO)
    with i18n.using("es"):
        soup = BeautifulSoup(render_pocket_card(spanish_content, {}, "letter", other=english), "html.parser")
    sides = {}
    for listed in soup.select("ol.scripts"):
        sides.setdefault(listed.find_parent(attrs={"lang": True})["lang"],
                         [(li.select_one(".words") or li).get_text(" ", strip=True) for li in listed.select("li")])  # the words, not the situation label
    ids = english.pocket_card.scripts
    assert sides["en"] == [f"“{english.scripts[s].say}”" for s in ids]
    assert sides["es"] == [f"“{spanish_content.scripts[s].say}”" for s in ids]
    interpreter = ids.index("need-interpreter")
    assert "I need an interpreter." in sides["es"][interpreter] and sides["en"][interpreter] == "“I need an interpreter.”"


def test_the_spanish_take_home_lists_the_spanish_editions_first(spanish_packs):
    """"Dónde aprender más" names the Spanish edition of a guide where one exists (issue 23, M8), and says
    which editions nobody could open yet; the English take-home is unchanged."""
    result, _ = spanish_packs
    more = BeautifulSoup((result.out / "handouts/03-when-agents-knock.takehome.html").read_text(encoding="utf-8"),
                         "html.parser").select_one(".dpskit-takehome-more")
    text = " ".join(more.get_text(" ").split())
    assert "Tarjetas rojas (en español y otros idiomas) (sin confirmar: revise el enlace antes de imprimir); en inglés: Red Cards" in text
    assert "Tienes el derecho a permanecer en silencio" in text


def test_no_spanish_catalogue_says_reviewed_without_a_review_note():
    """The review status stays honest (issue 23): a catalogue says reviewed only after a native trainer
    followed docs/reviewing-spanish.md and left a note in docs/reviews/; until then it awaits review."""
    from dpskit.catalogs import AWAITING_REVIEW, REVIEWED, read_catalogue, review_status

    assert (REPO / "docs" / "reviewing-spanish.md").is_file()
    notes = sorted((REPO / "docs" / "reviews").glob("es-*.md")) if (REPO / "docs" / "reviews").is_dir() else []
    statuses = {p.relative_to(REPO).as_posix(): review_status(read_catalogue(p))
                for p in [*sorted((REPO / "locale" / "es").rglob("*.po")), i18n.catalogue_path("es")]}
    assert set(statuses.values()) <= {AWAITING_REVIEW, REVIEWED}, statuses
    if not notes:
        assert set(statuses.values()) == {AWAITING_REVIEW}, "marked reviewed with no review note in docs/reviews/"


def test_the_glossary_finds_plural_and_glossed_terms_and_sorts_in_the_readers_alphabet():
    """A Spanish reader's glossary (issue 23): "citaciones" finds "Citación (subpoena)", an acronym
    finds its term, a name split over two lines is found, and the list is alphabetical in the words
    shown, accents aside."""
    from nbformat.v4 import new_markdown_cell, new_notebook

    from dpskit.content.model import Content, GlossaryTerm
    from dpskit.exporters.context import glossary_used

    terms = ["Orden administrativa", "Citación (subpoena)", "Fuerza Conjunta contra el Terrorismo (JTTF)",
             "Énfasis de prueba", "Apoyo material", "RICO (Georgia)"]
    content = Content(root=REPO, glossary=[GlossaryTerm(t, "…", ()) for t in terms])
    nb = new_notebook(cells=[new_markdown_cell("Llegaron dos citaciones. La JTTF y una orden administrativa.\n"
                                               "Hubo énfasis de\nprueba. Georgia v. Randolph no es RICO.")])
    assert [t.term for t in glossary_used(nb, content)] == [
        "Citación (subpoena)", "Énfasis de prueba", "Fuerza Conjunta contra el Terrorismo (JTTF)", "Orden administrativa",
        "RICO (Georgia)"]


def test_a_spanish_builds_workshop_warnings_are_spanish(mini_root):
    """The workshop file's warnings are printed once the pack's language is known (issue 23)."""
    from dpskit.build import build
    from dpskit.catalogs import update

    update(mini_root, "es")  # a language is one with a catalogue under locale/ (its entries may stay English)

    workshop = mini_root / "workshop.yml"
    workshop.write_text(workshop.read_text() + "language: es\n")
    result = build(mini_root, mini_root / "build" / "es", workshop=workshop, formats=["takehome"], pdf=False)
    blank = [w for w in result.warnings if "contacts.lawyer" in w]
    assert blank and "línea en blanco" in blank[0] and "blank line" not in blank[0], result.warnings
