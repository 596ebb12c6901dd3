"""A Spanish-speaking room's first screens (issue 23, M3): `dpskit participant` on a copy of the
Spanish participant pack, driven in Chromium at phone width. The list of sessions, the loading
screen and the session page say lang="es", show the sessions by their Spanish titles, and carry
none of Voilà's or dpskit's English interface text; one double tap opens one session, in one tab,
with one kernel. The room server passes the same words to Voilà."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest
from conftest import missing

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "build" / "test-artifacts" / "live"

# What stock Voilà 0.5 writes on its list and loading screens (the JupyterLab-style list, the
# spinner, the loading text), all English whatever the notebook's language.
VOILA_ENGLISH = ("Select items to open", "Voilà Home", "Running ", "Executing ", "Reading ", "Voilà requires JavaScript")


def english_interface_strings() -> list[str]:
    """dpskit's interface strings whose Spanish differs: none of them may show on a Spanish page."""
    from babel.messages.pofile import read_po

    from dpskit.i18n import catalogue_path

    with catalogue_path("es").open("rb") as handle:
        catalogue = read_po(handle)
    found = []
    for message in catalogue:
        english = message.id if isinstance(message.id, str) else (message.id or ("",))[0]
        spanish = message.string if isinstance(message.string, str) else (message.string or ("",))[0]
        text = re.sub(r"\{\w*\}|%\(\w+\)[sd]|<[^>]+>", "\n", english)
        for part in text.split("\n"):  # the words around a placeholder, as a page would show them
            part = part.strip(" .:…,")
            if len(part) >= 12 and part not in spanish and " " in part:
                found.append(part)
    return sorted(set(found))


def english_on(text: str, strings: list[str]) -> list[str]:
    return [s for s in (*VOILA_ENGLISH, *strings) if s in text] + re.findall(r"\bName\b|\.ipynb\b", text)


@pytest.mark.slow
@pytest.mark.browser
def test_participant_mode_speaks_spanish_from_the_first_screen(spanish_packs, browser, tmp_path):
    if importlib.util.find_spec("voila") is None:
        missing("voila is not installed (pip install -e '.[live]'): the Spanish participant mode was NOT checked")
    from live_support import LiveServer

    from dpskit.participant import session_titles

    result, _ = spanish_packs
    stick = tmp_path / result.participant.name
    shutil.copytree(result.participant, stick)
    titles = session_titles(stick)
    assert titles and all(not t.endswith(".ipynb") for t in titles.values())
    strings = english_interface_strings()
    assert "Select an answer first" in strings or len(strings) > 100, "the catalogue's English was read"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    server = LiveServer(stick, lab=False, log_dir=tmp_path)
    page = browser.new_page()
    try:
        page.set_viewport_size({"width": 360, "height": 800})
        renders: list[str] = []
        page.on("request", lambda request: renders.append(request.url) if "/voila/render/" in request.url else None)
        # every text the loading screen shows, as it changes (Voilà rewrites it once per cell)
        page.add_init_script("""window.dpskitLoading = [];
          new MutationObserver(() => {
            const el = document.getElementById('loading_text');
            const seen = window.dpskitLoading;
            if (el && seen[seen.length - 1] !== el.textContent) { seen.push(el.textContent); }
          }).observe(document, {subtree: true, childList: true, characterData: true});""")

        page.goto(server.url(""), timeout=120_000)  # where `dpskit participant` opens the browser
        page.screenshot(path=str(ARTIFACTS / "voila-es-list.png"))
        assert page.evaluate("document.documentElement.lang") == "es"
        listed = page.locator("a.dpskit-session")
        assert listed.all_inner_texts() == [titles[name] for name in sorted(titles)], "sessions by their Spanish titles"
        list_text = page.inner_text("body") + " " + page.title()
        assert english_on(list_text, strings) == [], list_text
        assert "Toque una sesión" in list_text

        session = sorted(titles)[1]
        tabs = len(page.context.pages)
        listed.nth(1).dblclick()  # an impatient double tap
        page.wait_for_url(f"**/voila/render/{session}", timeout=60_000)
        page.locator(".dpskit-quiz-live").first.wait_for(timeout=180_000)
        page.wait_for_function("() => !document.querySelector('#loading') || "
                               "getComputedStyle(document.querySelector('#loading')).display === 'none'", timeout=180_000)
        page.screenshot(path=str(ARTIFACTS / "voila-es-session.png"))
        assert len(page.context.pages) == tabs and len(renders) == 1, f"one tap, one session, in this tab: {renders}"
        assert page.evaluate("document.documentElement.lang") == "es"
        assert page.title() == titles[session], "the tab says the session's title, not its file name"
        loading = page.evaluate("window.dpskitLoading")
        assert loading[0] == "Abriendo la sesión…" and re.fullmatch(r"Preparando la parte \d+ de \d+…", loading[-1]), loading
        assert english_on(" ".join(loading), strings) == [], loading
        session_text = page.inner_text("body") + " " + page.title()
        assert english_on(session_text, strings) == [], [s for s in english_on(session_text, strings)]
        assert "Verificar" in session_text

        missing = page.goto(server.url("voila/render/no-such-session.ipynb"), timeout=60_000)  # a stale link
        assert missing.status == 404 and page.evaluate("document.documentElement.lang") == "es"
        missing_text = page.inner_text("body")
        assert "Volver a la lista de sesiones" in missing_text and english_on(missing_text, strings) == [], missing_text
    finally:
        page.close()
        server.stop()
    assert server.final_attempts == [], server.final_attempts


def test_the_room_server_gives_voila_the_packs_language(spanish_packs, monkeypatch, tmp_path):
    """In room mode too, the list and the session pages get the pack's language and words."""
    import json

    from dpskit.room import app, server

    result, _ = spanish_packs
    seen = {}
    monkeypatch.setattr(app.RoomApp, "launch_instance", classmethod(lambda cls, argv, **kw: seen.update(argv=argv)))
    monkeypatch.setenv("DPSKIT_ROOM_CODE", "code")
    monkeypatch.setenv("DPSKIT_ROOM_TOKEN", "token")
    home = tmp_path / "dpskit-room-test"  # the folder `dpskit room` makes; the server removes it as it ends
    (home / "runtime").mkdir(parents=True)
    server.main([str(result.out), str(result.participant), "--join-url", "http://127.0.0.1:1/r/code/", "--runtime", str(home / "runtime")])
    assert "--VoilaExporter.language_code=es" in seen["argv"]
    (config,) = [a.split("=", 1)[1] for a in seen["argv"] if a.startswith("--VoilaConfiguration.extension_config=")]
    words = json.loads(config)["dpskit"]
    assert words["language"] == "es" and words["words"]["running"] == "Preparando la parte {index} de {count}…"
    assert "Cuando los agentes tocan a la puerta" in words["sessions"].values()


@pytest.mark.slow
@pytest.mark.browser
def test_lab_participant_mode_speaks_spanish_where_lab_has_the_language_pack(spanish_packs, browser, tmp_path):
    """`dpskit participant --lab` on a Spanish pack: JupyterLab's own menus are Spanish (its es_ES
    language pack, chosen in the private settings folder), the quizzes say "Verificar"."""
    from dpskit.participant import lab_locale, pack_language

    if importlib.util.find_spec("jupyterlab") is None or lab_locale("es") is None:
        missing("jupyterlab or jupyterlab-language-pack-es-ES is not installed (pip install -e '.[live]'): NOT checked")
    from live_support import LiveServer

    result, _ = spanish_packs
    stick = tmp_path / result.participant.name
    shutil.copytree(result.participant, stick)
    server = LiveServer(stick, lab=True, log_dir=tmp_path, language=pack_language(stick))
    page = browser.new_page()
    try:
        page.goto(server.url("lab"), timeout=120_000)
        menu = page.locator(".lm-MenuBar-itemLabel")
        menu.first.wait_for(timeout=120_000)
        labels = menu.all_inner_texts()
        page.screenshot(path=str(ARTIFACTS / "lab-es.png"))
        assert "Archivo" in labels and "File" not in labels, labels
    finally:
        page.close()
        server.stop()
    assert server.final_attempts == [], server.final_attempts


def test_the_lab_language_setting_is_written_only_for_an_installed_pack(tmp_path):
    from dpskit.participant import lab_locale, private_environment

    setting = tmp_path / "{}" / "lab-user-settings/@jupyterlab/translation-extension/plugin.jupyterlab-settings"
    private_environment(tmp_path / "en", "en")
    assert not Path(str(setting).format("en")).exists()
    private_environment(tmp_path / "fr", "fr")
    assert not Path(str(setting).format("fr")).exists() or lab_locale("fr")
    if lab_locale("es"):
        private_environment(tmp_path / "es", "es")
        assert Path(str(setting).format("es")).read_text() == '{"locale": "es_ES"}\n'
