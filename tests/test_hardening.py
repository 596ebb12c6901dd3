"""Hostile inputs and careless mistakes (issue 12): a build deletes only what it made, runs nothing a
workshop value smuggles in, never hangs, and answers every mistake with a message, not a traceback."""

from __future__ import annotations

import contextlib
import errno
import http.server
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from conftest import FIXTURES
from dpskit.build import build
from dpskit.cli import cli
from dpskit.content import InvalidContent, load_content
from dpskit.content.scenario import Scenario, trapped, unmarked_loops
from dpskit.content.yamlio import YamlSyntaxError, load_yaml
from dpskit.execute import SessionExecutionError
from dpskit.output import MANIFEST, OutputError, locked

DPSKIT = [sys.executable, "-m", "dpskit.cli"]


def run(*args: str, root: Path | None = None):
    """The command line as a user runs it; an exception that escapes it (a traceback) fails the test."""
    result = CliRunner().invoke(cli, [*(["--root", str(root)] if root else []), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"a traceback instead of a message: {result.output}") from result.exception
    return result


def errors_of(root: Path) -> list[str]:
    return [str(error) for error in load_content(root, notebooks=True)[1]]


def add_cell(root: Path, source: str, kind: str = "code", at: int = 3) -> None:
    path = root / "sessions/01-mini.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
    nb.cells.insert(at, cell)
    nbformat.write(nb, path)


def within(seconds: float, call):
    """Run `call` in a thread; a hang fails the test instead of hanging the suite."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


# --------------------------------------------------------------------------- output folders


def test_out_never_replaces_the_project_or_its_folders(mini_root):
    def files():
        return sorted(p.relative_to(mini_root) for p in mini_root.rglob("*") if ".dpskit-cache" not in p.parts)

    before = files()
    for out in (mini_root, mini_root.parent, mini_root / "sessions", mini_root / "data" / "pack"):
        with pytest.raises(OutputError):
            build(mini_root, out, formats=["handout"], pdf=False)
    assert files() == before
    result = run("build", "--out", str(mini_root), "-q", root=mini_root)
    assert result.exit_code == 1 and "holds the project itself" in result.output and "Traceback" not in result.output
    assert (mini_root / "curriculum.yml").is_file() and (mini_root / "sessions/01-mini.ipynb").is_file()


def test_out_refuses_a_folder_of_the_users_own_files(mini_root, tmp_path):
    documents = tmp_path / "Documents" / "workshop"
    documents.mkdir(parents=True)
    (documents / "thesis.docx").write_bytes(b"years of work")
    result = run("build", "--out", str(documents), "-f", "handout", "--no-pdf", "-q", root=mini_root)
    assert result.exit_code == 1, result.output
    assert f"{documents} is not empty and was not made by dpskit" in result.output
    assert (documents / "thesis.docx").read_bytes() == b"years of work"
    assert list(documents.parent.iterdir()) == [documents], "nothing written beside it either"


def test_out_replaces_its_own_output_and_an_empty_folder(mini_root, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    build(mini_root, out, formats=["handout"], pdf=False)
    assert (out / MANIFEST).is_file()
    add_cell(mini_root, "NEW-TEXT-HERE", kind="markdown")
    build(mini_root, out, formats=["handout"], pdf=False)
    assert "NEW-TEXT-HERE" in (out / "handouts/01-mini.handout.html").read_text()


def test_a_folder_holding_other_packs_is_not_replaced(mini_root):
    pack = build(mini_root, formats=["handout"], pdf=False, workshop=mini_root / "workshop.yml")
    with pytest.raises(OutputError, match=f"holds other builds \\({pack.out.name}, {pack.out.name}-participant\\)"):
        build(mini_root, mini_root / "build", formats=["handout"], pdf=False)  # --out build/: it holds the pack
    assert (pack.out / "index.html").is_file() and pack.archive.is_file()


def test_another_build_into_the_same_folder_is_told_to_wait(mini_root):
    out = mini_root / "build"
    with locked(out):
        with pytest.raises(OutputError, match="another build is running"):
            build(mini_root, out, formats=["handout"], pdf=False)
    build(mini_root, out, formats=["handout"], pdf=False)  # the lock goes with its holder


def test_stale_staging_is_cleaned_and_git_does_not_show_staging(mini_root):
    out = mini_root / "build"
    from dpskit.output import lock_path, staging_folder

    killed = subprocess.run([sys.executable, "-c", f"""if True:
        import os, signal
        from pathlib import Path
        from dpskit.output import locked, staging_folder
        with locked(Path({str(out)!r})):
            (staging_folder(Path({str(out)!r})) / "big.html").write_text("x" * 1000)
            os.kill(os.getpid(), signal.SIGKILL)"""])
    assert killed.returncode == -signal.SIGKILL
    leftovers = list(mini_root.glob(".dpskit-staging-build~*"))
    assert leftovers and lock_path(out).is_file()
    keep = [mini_root / name for name in (".build-keep-me-please", ".build-abc123xy", ".dpskit-staging-build~mine")]
    for folder in keep:
        folder.mkdir()
    build(mini_root, out, formats=["handout"], pdf=False)
    assert not [p for p in leftovers if p.exists()], "stale staging left behind"
    assert all(folder.is_dir() for folder in keep), "only what a build left (its journal names) is removed"
    assert not lock_path(out).exists(), "the lock file stays beside the output"

    subprocess.run(["git", "init", "-q", str(mini_root)], check=True)
    with locked(out):
        staging = staging_folder(out)
        (staging / "index.html").write_text("in progress")
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=mini_root,
                                capture_output=True, text=True, check=True).stdout
    assert staging.name not in status, status


def test_output_follows_the_umask(mini_root):
    old = os.umask(0o022)
    try:
        result = build(mini_root, formats=["handout"], pdf=False, workshop=mini_root / "workshop.yml")
    finally:
        os.umask(old)
    assert stat.S_IMODE(result.out.stat().st_mode) == 0o755
    assert stat.S_IMODE((result.out / "handouts").stat().st_mode) == 0o755
    assert stat.S_IMODE(result.archive.stat().st_mode) == 0o644
    with zipfile.ZipFile(result.archive) as bundle:
        modes = {stat.S_IMODE(info.external_attr >> 16) for info in bundle.infolist()}
    assert modes == {0o644}, modes


def test_a_stale_or_partial_zip_is_rebuilt(mini_root):
    options = {"formats": ["handout"], "pdf": False, "workshop": mini_root / "workshop.yml"}
    first = build(mini_root, **options)
    good = first.archive.read_bytes()
    first.archive.write_bytes(b"PK interrupted")  # killed while the zip was written over
    (first.archive.parent / f"{first.archive.name}.partial").write_bytes(b"old partial")
    second = build(mini_root, **options)
    assert not second.up_to_date and second.archive.read_bytes() == good
    with zipfile.ZipFile(second.archive) as bundle:
        assert bundle.testzip() is None
    third = build(mini_root, **options)
    assert third.up_to_date and third.archive.read_bytes() == good


# --------------------------------------------------------------------------- workshop values are text

HOSTILE = {
    "legal_hotline": '<img src=x onerror="document.title=\'PWNED\'">',
    "lawyer": "[click me](javascript:alert(1)) ![remote](http://127.0.0.1:{port}/md.png)",
    "jail_support": '<img src="http://127.0.0.1:{port}/remote.png">',
    "nlg_chapter": '<a rel="attachment" href="file://{secret}">notes</a>',
    "chapter": "$x$ *not bold* <script>document.title='PWNED'</script>",
}


def counting_server() -> tuple[http.server.ThreadingHTTPServer, list[str]]:
    """A local server that answers 404 and notes every path asked of it: whatever reaches it leaked."""
    hits: list[str] = []

    class Counting(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - stdlib name
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, hits


@pytest.fixture(scope="module")
def hostile_pack(tmp_path_factory):
    """A workshop pack, PDFs included, whose contacts and venue try every trick; a local HTTP server
    counts what anything fetches."""
    server, hits = counting_server()
    root = tmp_path_factory.mktemp("hostile") / "mini"
    shutil.copytree(FIXTURES / "mini", root, ignore=shutil.ignore_patterns(".dpskit-cache", "build"))
    secret = root.parent / "secret.txt"
    secret.write_text("SECRET-FILE-CONTENT")
    values = {key: value.format(port=server.server_port, secret=secret) for key, value in HOSTILE.items()}
    text = (root / "workshop.yml").read_text()
    text = text.replace('  legal_hotline: "555-0100"\n  lawyer: ""\n', "".join(f"  {k}: {json.dumps(v)}\n" for k, v in values.items()))
    text = text.replace("venue: VENUE-HALL", f"venue: {json.dumps(values['jail_support'])}")
    (root / "workshop.yml").write_text(text)
    add_cell(root, "Call " + " / ".join(f"[[contact:{key}]]" for key in HOSTILE) + " at [[workshop:venue]].", kind="markdown")
    try:
        result = build(root, workshop=root / "workshop.yml")
    finally:
        server.shutdown()
    return result, values, hits


def test_workshop_values_are_text_in_every_page(hostile_pack):
    result, values, hits = hostile_pack
    assert not hits, f"something fetched {hits}"
    pages = sorted([*result.out.rglob("*.html"), *result.participant.rglob("*.html")])
    assert len(pages) >= 8 and result.out / "slides/01-mini.slides.html" in pages
    for path in pages:
        rel = path.relative_to(result.out.parent).as_posix()
        soup = BeautifulSoup(path.read_text(), "html.parser")
        assert not soup.select("img[onerror], img[src^=http], img[src=x], a[href^=javascript], a[href^=file], a[rel=attachment]"), rel
        assert "PWNED" not in " ".join(s.get_text() for s in soup.find_all("script")), rel
        if "Call " in soup.get_text():
            text = " ".join(soup.get_text().split())
            assert values["legal_hotline"] in text and "*not bold*" in text and "$x$" in text, rel
            for_participants = rel.startswith(result.participant.name) or "/.participant/" in rel or ".participant.slides" in rel
            assert ("[click me](javascript:alert(1))" in text) != for_participants, rel  # the lawyer's: facilitators only


def test_workshop_values_are_text_in_notebooks_and_pdfs(hostile_pack):
    from pypdf import PdfReader

    result, values, _ = hostile_pack
    for rel in ("notebooks/01-mini.ipynb", "guide/01-mini.facilitator.ipynb"):
        nb = nbformat.read(result.out / rel, as_version=4)
        cell = next(c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("Call "))
        assert "<img" not in cell.source and "](javascript" not in cell.source and "<a " not in cell.source, rel
        assert "&#60;img src&#61;x onerror" in cell.source, rel
    pdfs = sorted(result.out.rglob("*.pdf"))
    assert len(pdfs) >= 5
    for path in pdfs:
        rel = path.relative_to(result.out).as_posix()
        reader = PdfReader(str(path))
        assert not reader.attachments, f"{rel} embeds {list(reader.attachments)}"
        text = " ".join("".join(page.extract_text() for page in reader.pages).split())
        assert "SECRET-FILE-CONTENT" not in text, rel
        if rel.startswith(("handouts/01-mini.handout", "guide/01-mini.guide", "slides/")):
            assert "onerror" in text, f"{rel}: the value should print as text"


def test_pdfs_load_nothing_from_outside_the_page(tmp_path):
    pytest.importorskip("weasyprint")
    from pypdf import PdfReader

    from dpskit.pdf import PdfJob, render_pdf

    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    origin = f"http://127.0.0.1:{server.server_port}"
    html = (f'<link rel="stylesheet" href="{origin}/s.css"><p style="background: url({origin}/bg.png)">hi</p>'
            f'<img src="{origin}/i.png"><img src="{secret.as_uri()}"><a rel="attachment" href="{secret.as_uri()}">x</a>')
    try:
        render_pdf(PdfJob(html=html, target=tmp_path / "out.pdf"))
    finally:
        server.shutdown()
    assert hits == [] and not PdfReader(str(tmp_path / "out.pdf")).attachments


# --------------------------------------------------------------------------- kernels


def test_a_dead_kernel_fails_the_build_at_once(mini_root):
    add_cell(mini_root, "import os; os._exit(1)")
    with pytest.raises(SessionExecutionError) as info:
        within(90, lambda: build(mini_root, formats=["handout"], pdf=False, use_cache=False))
    assert "session 01-mini: the kernel died while running cell 3" in str(info.value)
    assert not (mini_root / "build" / "handouts").exists()


def test_a_hung_cell_stops_after_the_timeout_naming_session_and_cell(mini_root):
    add_cell(mini_root, "import time; time.sleep(10**6)")
    result = within(120, lambda: run("build", "-f", "handout", "--no-pdf", "--no-cache", "--timeout", "3", "-q", root=mini_root))
    assert result.exit_code == 1
    assert "session 01-mini: cell 3" in result.output and "ran longer than 3 s" in result.output and "--timeout" in result.output


def _descendants(pid: int) -> set[int]:
    import psutil

    try:
        return {child.pid for child in psutil.Process(pid).children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_ctrl_c_stop_cleanly_with_no_kernel_left(mini_root, how):
    import psutil

    add_cell(mini_root, "import time; time.sleep(10**6)")
    process = subprocess.Popen([*DPSKIT, "--root", str(mini_root), "build", "-f", "handout", "--no-pdf", "--no-cache", "-q"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        kernels: set[int] = set()
        while time.monotonic() < deadline and not kernels:
            kernels = {pid for pid in _descendants(process.pid) if "ipykernel" in " ".join(psutil.Process(pid).cmdline())}
            time.sleep(0.2)
        assert kernels, "the kernel never started"
        time.sleep(2)  # the cell is running now
        process.send_signal(how)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, output
    assert "Build stopped" in output and "Traceback" not in output, output
    time.sleep(1)
    assert not [pid for pid in kernels if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    assert not [p for p in mini_root.iterdir() if p.name.startswith(".dpskit-staging-")]


def test_pdf_workers_die_with_a_killed_build(tmp_path):
    import psutil

    from dpskit.pdf import weasyprint_available

    if not weasyprint_available():
        pytest.skip("WeasyPrint is not installed: PDF workers not checked")
    script = ("import sys; from pathlib import Path; from dpskit.pdf import PdfJob, render_pdfs; "
              f"render_pdfs([PdfJob(html='<p>x</p>' * 40000, target=Path(r'{tmp_path}') / f'{{i}}.pdf') for i in range(4)])")
    process = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline, workers = time.monotonic() + 60, set()
        while time.monotonic() < deadline and len(workers) < 2:
            workers = _descendants(process.pid)
            time.sleep(0.2)
        assert len(workers) >= 2, "the PDF workers never started"
    finally:
        process.kill()
        process.wait()
    time.sleep(2)
    assert not [pid for pid in workers if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]


def test_a_finished_build_leaves_no_kernel_running(mini_root):
    import psutil

    build(mini_root, formats=["handout"], pdf=False, use_cache=False)
    time.sleep(0.5)
    assert not [p.pid for p in psutil.Process().children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]


def test_a_damaged_cache_entry_is_discarded_with_a_note(mini_root):
    build(mini_root, formats=["handout"], pdf=False)
    [cached] = (mini_root / ".dpskit-cache" / "executed").glob("01-mini-*.ipynb")
    cached.write_text('{"cells": [ broken')
    (mini_root / "build/all/handouts/01-mini.handout.html").unlink()
    result = build(mini_root, formats=["handout"], pdf=False)
    assert result.executed == ["01-mini"]
    [note] = [w for w in result.warnings if "damaged cache entry" in w]
    assert cached.name in note and "\n" not in note
    assert (mini_root / "build/all/handouts/01-mini.handout.html").is_file()


# --------------------------------------------------------------------------- YAML and CSV


@pytest.mark.parametrize("text, expected", [
    (b"a: 1\x01\n", "control character U+0001"),
    (b"title: caf\xe9\n", "not UTF-8 text (byte 0xe9)"),
    (b"a: &a [1, 1]\nb: &b [*a, *a]\nc: [*b, *b]\n", "alias *a: dpskit content does not use YAML aliases"),
    (b"b: &b {x: 1}\nc:\n  <<: *b\n  surprise: 2\n", "alias *b"),
    (b"a: [\n", "invalid YAML"),
])
def test_yaml_mistakes_are_messages_with_a_line(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_bytes(text)
    with pytest.raises(YamlSyntaxError) as info:
        load_yaml(path)
    assert expected in str(info.value) and info.value.line is not None


def test_an_alias_bomb_is_refused_before_it_expands(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 9) + "]")
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    with pytest.raises(YamlSyntaxError, match="alias"):
        within(10, lambda: load_yaml(tmp_path / "bomb.yaml"))


@pytest.mark.parametrize("file, content, expected", [
    ("data/sources.yaml", b"- id: x\n  title: \x07\n", "data/sources.yaml:2: invalid YAML: control character U+0007"),
    ("data/scripts.yaml", "- id: caf\u00e9\n".encode("latin-1"), "data/scripts.yaml:1: not UTF-8 text"),
    ("data/glossary.csv", "term,definition,sources\ncaf\u00e9,x,terry-1968\n".encode("latin-1"), "data/glossary.csv:2: not UTF-8 text"),
    ("data/timeline.csv", b'date,event,actors,category,sources\n2020,"' + b"x" * 200_000 + b'",x,law,terry-1968\n',
     "data/timeline.csv:2: not readable as CSV: field larger than field limit"),
])
def test_broken_files_are_reported_by_check_without_a_traceback(mini_root, file, content, expected):
    (mini_root / file).write_bytes(content)
    result = run("check", root=mini_root)
    assert result.exit_code == 1, result.output
    assert expected in result.output and "Traceback" not in result.output, result.output
    assert "unknown source id" not in result.output, "one broken file is reported once"


def test_a_glossary_saved_with_a_byte_order_mark_loads(mini_root):
    path = mini_root / "data/glossary.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert errors_of(mini_root) == []


def test_an_impossible_workshop_date_is_a_message_in_check_and_build(mini_root):
    text = (mini_root / "workshop.yml").read_text().replace("date: 2026-12-05", "date: 2026-02-30")
    (mini_root / "workshop.yml").write_text(text)
    for args in (["check", "--workshop", str(mini_root / "workshop.yml")],
                 ["build", "--workshop", str(mini_root / "workshop.yml"), "-q", "--no-pdf"]):
        result = run(*args, root=mini_root)
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert "workshop.yml:2: [date] date 2026-02-30 is not a real date" in result.output, result.output


def test_workshop_paper_case_duplicates_and_slugs(mini_root):
    from dpskit.content import load_valid_content
    from dpskit.workshop import Workshop, load_workshop

    path = mini_root / "workshop.yml"
    content = load_valid_content(mini_root)
    for paper, expected in (("A4", "a4"), ("Letter", "letter"), ("a4", "a4")):
        path.write_text(re.sub(r"paper: \w+", f"paper: {paper}", path.read_text()))
        assert load_workshop(path, content)[0].paper == expected
    path.write_text(path.read_text().replace("sessions: [01-mini]", "sessions: [01-mini, 01-mini]"))
    with pytest.raises(InvalidContent) as info:
        load_workshop(path, content)
    assert any("workshop.yml:8: [sessions[1]] session '01-mini' is listed twice" in str(e) for e in info.value.errors)
    slugs = {Workshop(title=t, date="2026-12-05", start="10:00", sessions=[]).slug for t in ("ورشة الحقوق", "ورشة العمل", "研讨会")}
    assert len(slugs) == 3 and all(s.startswith("2026-12-05-") and len(s) > len("2026-12-05-") for s in slugs), slugs
    assert Workshop(title="Café Réunion", date="2026-12-05", start="10:00", sessions=[]).slug == "2026-12-05-cafe-reunion"


# --------------------------------------------------------------------------- the environment


def test_outside_a_project_and_a_missing_root_are_messages(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DPSKIT_ROOT", raising=False)
    for args in (["check"], ["build"]):
        result = run(*args)
        assert result.exit_code == 2 and "is not inside a dpskit project" in result.output, result.output
    result = run("check", root=tmp_path / "nonexistent")
    assert result.exit_code == 2 and "no such folder" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("code, hint", [(errno.ENOSPC, "free some disk space"), (errno.EROFS, "read-only"),
                                        (errno.EACCES, "no permission"), (errno.EFBIG, "file-size limit")])
def test_disk_and_permission_errors_are_messages(mini_root, monkeypatch, code, hint):
    import dpskit.build

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(mini_root / "build" / "x.zip"))

    monkeypatch.setattr(dpskit.build, "write_zip", fail)
    result = run("build", "--workshop", str(mini_root / "workshop.yml"), "-f", "handout", "--no-pdf", "-q", root=mini_root)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert os.strerror(code) in result.output and hint in result.output and "x.zip" in result.output


def test_a_file_size_limit_is_a_message(mini_root):
    script = ("import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000)); "
              "from dpskit.cli import main; main(sys.argv[1:])")
    done = subprocess.run([sys.executable, "-c", script, "--root", str(mini_root), "build", "-f", "handout", "--no-pdf", "-q"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "File too large" in done.stderr and "file-size limit" in done.stderr and "Traceback" not in done.stderr


def test_a_read_only_checkout_builds_elsewhere(mini_root, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions; the read-only case is covered by the EROFS/EACCES message test")
    for path in [mini_root, *mini_root.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        result = run("build", "--out", str(tmp_path / "out"), "-f", "handout", "--no-pdf", "-q", root=mini_root)
        assert result.exit_code == 0, result.output
    finally:
        for path in [mini_root, *mini_root.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)


def test_pdf_without_weasyprint_is_a_message(mini_root, monkeypatch):
    import dpskit.pdf

    monkeypatch.setattr(dpskit.pdf, "weasyprint_available", lambda: False)
    result = run("build", "--pdf", "-f", "handout", "-q", root=mini_root)
    assert result.exit_code == 1 and "--pdf needs WeasyPrint" in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- validation gaps


@pytest.mark.parametrize("reviewed, expected", [("2099-01-01", "is in the future"), ("2026-13-45", "is not a real date"),
                                                ("1901-01-01", "implausibly early")])
def test_reviewed_dates_are_checked(mini_root, reviewed, expected):
    path = mini_root / "data/sources.yaml"
    path.write_text(path.read_text().replace("reviewed: 2026-11-24", f"reviewed: {reviewed}", 1))
    assert [e for e in errors_of(mini_root) if e.startswith("data/sources.yaml:6: [[0].reviewed]") and expected in e]


def test_one_bad_source_is_reported_once(mini_root):
    path = mini_root / "data/sources.yaml"
    path.write_text(path.read_text().replace("kind: case", "kind: rumour", 1))
    errors = errors_of(mini_root)
    assert len(errors) == 1 and errors[0].startswith("data/sources.yaml:5: [[0].kind]"), errors


def test_check_reports_remote_images_and_script_links(mini_root):
    add_cell(mini_root, "See ![map](https://tiles.example/map.png) and [help](javascript:alert(1)).", kind="markdown")
    guide = mini_root / "facilitator_guides/01-mini.md"
    guide.write_text(guide.read_text() + '\n\n<img src="http://tracker.example/p.gif" alt="x">\n[x](JaVa&#x09;Script:alert(1))\n')
    lines = len(guide.read_text().splitlines())
    result = run("check", root=mini_root)
    assert result.exit_code == 1
    assert "sessions/01-mini.ipynb: [cells[3]] line 1 of the cell: https://tiles.example/map.png would be loaded from outside" in result.output
    assert "link javascript:alert(1) uses javascript:" in result.output
    assert f"facilitator_guides/01-mini.md:{lines - 1}: http://tracker.example/p.gif would be loaded from outside" in result.output
    assert f"facilitator_guides/01-mini.md:{lines}: link JaVa&#x09;Script:alert(1) uses javascript:" in result.output


def _ladder(levels: int) -> Scenario:
    """A diamond ladder: two ways from each level to the next (2**levels paths), ending at the bottom."""
    nodes = {}
    for level in range(levels):
        for side in "ab":
            nodes[f"{side}{level}"] = {"situation": "s", "choices": [
                {"text": "x", "consequence": "c", "next": f"a{level + 1}"},
                {"text": "y", "consequence": "c", "next": f"b{level + 1}"}]}
    nodes[f"a{levels}"] = nodes[f"b{levels}"] = {"situation": "s", "ending": "good", "debrief": "d"}
    return Scenario.from_data({"id": "ladder", "title": "t", "session": "01-mini", "start": "a0", "nodes": nodes})


def test_scenario_graph_checks_are_linear():
    assert within(20, lambda: (unmarked_loops(_ladder(30)), trapped(_ladder(30)))) == ([], [])
    chain = {f"n{i}": {"situation": "s", "choices": [{"text": "x", "consequence": "c", "next": f"n{i + 1}"}]} for i in range(3000)}
    chain["n3000"] = {"situation": "s", "ending": "good", "debrief": "d"}
    chain["n2999"]["choices"].append({"text": "back", "consequence": "c", "next": "n0"})
    scenario = Scenario.from_data({"id": "chain", "title": "t", "session": "01-mini", "start": "n0", "nodes": chain})
    assert unmarked_loops(scenario) == [("n2999", 1)] and trapped(scenario) == []


@pytest.mark.parametrize("edit, expected", [
    # the hard ending becomes a node that only loops to itself
    ("  searched:\n    ending: hard\n    situation: SITUATION-SEARCHED They looked around.\n    debrief: DEBRIEF-HARD consent was given.\n",
     "  searched:\n    situation: SITUATION-SEARCHED They looked around.\n    choices:\n      - text: Wait\n        consequence: c\n        next: searched\n        loop: true\n"),
])
def test_a_scenario_node_that_never_ends_is_an_error(mini_root, edit, expected):
    path = mini_root / "data/scenarios/door.yaml"
    text = path.read_text()
    assert edit in text
    path.write_text(text.replace(edit, expected).replace("    scripts: [remain-silent]\n", "", 2).replace(
        "    debrief: DEBRIEF-GOOD you gave nothing.\n", "    debrief: DEBRIEF-GOOD you gave nothing.\n    scripts: [remain-silent]\n"))
    assert any("node 'searched' never leads to an ending" in e for e in errors_of(mini_root)), errors_of(mini_root)


def test_a_scenario_without_any_ending_is_an_error():
    nodes = {"a": {"situation": "s", "choices": [{"text": "x", "consequence": "c", "next": "b"}]},
             "b": {"situation": "s", "choices": [{"text": "x", "consequence": "c", "next": "a", "loop": True}]}}
    scenario = Scenario.from_data({"id": "x", "title": "t", "session": "01-mini", "start": "a", "nodes": nodes})
    assert trapped(scenario) == ["a", "b"]


# --------------------------------------------------------------------------- fuzzing the loaders

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

YAML_BITS = st.sampled_from(["a: ", "- ", "&x ", "*x ", "<<: *x", "!!python/object:os.system ", "[", "]", "{", "}", "\n", "  ",
                             "2026-02-30", "'", '"', "\x00", "\x07", "\ufeff", "é", "|", ">", "? ", ": ", "---", "...", "#"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=200), st.lists(YAML_BITS, max_size=40).map(lambda bits: "".join(bits).encode("utf-8", "surrogatepass"))))
def test_fuzz_yaml_loading_raises_only_syntax_errors(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "f.yaml"
    path.write_bytes(data)
    try:
        load_yaml(path)
    except YamlSyntaxError as exc:
        assert exc.path == path


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzzroot") / "mini"
    shutil.copytree(FIXTURES / "mini", root, ignore=shutil.ignore_patterns(".dpskit-cache", "build"))
    return root


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(file=st.sampled_from(["data/sources.yaml", "data/scripts.yaml", "data/quizzes/01-mini.yaml", "data/scenarios/door.yaml",
                             "data/glossary.csv", "data/timeline.csv", "data/pocket_card.yaml", "curriculum.yml"]),
       cut=st.integers(min_value=0, max_value=4000), junk=st.lists(YAML_BITS, max_size=12))
def test_fuzz_content_files_give_errors_not_exceptions(fuzz_root, file, cut, junk):
    path = fuzz_root / file
    original = (FIXTURES / "mini" / file).read_bytes()
    path.write_bytes(original[:cut] + "".join(junk).encode("utf-8", "surrogatepass") + original[cut:])
    try:
        content, errors = load_content(fuzz_root, notebooks=False)
        assert all(str(error) for error in errors)
    finally:
        path.write_bytes(original)


# --------------------------------------------------------------------------- CSP in a real browser


def test_slides_csp_blocks_other_hosts_and_the_speaker_view_still_works(mini_build, tmp_path, playwright_driver):
    """Slides carry a CSP: an image from another host (here: a second local port, as a stand-in)
    is refused by Chromium, and the speaker view (popup and its previews of the deck) still works,
    from file:// and from a local server."""
    from browser_support import CHROMIUM_ARGS, NO_CHROMIUM, PageLog, StaticServer, find_chromium, in_ci

    deck_text = (mini_build / "slides/01-mini.slides.html").read_text()
    assert "Content-Security-Policy" in deck_text and "default-src 'none'" in deck_text
    site = tmp_path / "site"
    shutil.copytree(mini_build, site)
    other, hits = counting_server()  # "another host": an origin the deck must not reach
    tracker = f"http://127.0.0.1:{other.server_port}/tracker.png"
    deck = site / "slides/01-mini.slides.html"
    head, tail = deck_text.rsplit("</body>", 1)
    deck.write_text(f'{head}<img src="{tracker}" alt="t"></body>{tail}')
    server = StaticServer(site)
    try:
        with contextlib.nullcontext(playwright_driver) as playwright:  # the session's one driver
            executable, how = find_chromium(playwright)
            if executable is None:
                (pytest.fail if in_ci() else pytest.skip)(f"{NO_CHROMIUM} ({how})")
            with tempfile.TemporaryDirectory(prefix="dpskit-csp-") as profile:
                browser = playwright.chromium.launch_persistent_context(profile, executable_path=executable, headless=True,
                                                                        args=CHROMIUM_ARGS)
                try:
                    for url in (deck.as_uri(), server.url("slides/01-mini.slides.html")):
                        page = browser.new_page()
                        log = PageLog().watch(page)
                        page.goto(url)
                        page.wait_for_selector(".reveal.ready", state="attached")
                        page.evaluate("Reveal.slide(1)")
                        with browser.expect_page() as opened:
                            page.keyboard.press("s")
                        speaker = opened.value
                        speaker.wait_for_function("() => { const v = document.querySelector('.speaker-controls-notes .value');"
                                                  " return v && v.innerText.includes('NOTES-FACILITATOR-ONE'); }", timeout=15_000)
                        preview = speaker.locator("#current-slide iframe").element_handle().content_frame()
                        preview.wait_for_selector(".reveal.ready", state="attached", timeout=15_000)
                        assert hits == [], f"{url}: the CSP let a request out"
                        assert any("Content Security Policy" in e and tracker in e for e in log.console_errors), log.console_errors
                        speaker.close()
                        page.close()
                finally:
                    browser.close()
    finally:
        server.close()
        other.shutdown()
