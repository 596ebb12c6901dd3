"""Benchmark: dpskit's one-process build against the route a user would otherwise take, and
what an author waits for after an edit. Run with `make bench`; a timed test would be flaky,
a benchmark is read by people.

On a copy of the checkout, with the same sessions (the first five of curriculum.yml unless
--sessions) and formats (slides, handout, guide, participant notebook; no PDFs), the median of
--runs runs of:
  naive     one `jupyter nbconvert --execute --to dpskit-FORMAT` process per session and format
  cold      `dpskit build`, no execution cache, no previous build
  no-op     `dpskit build` again, nothing changed
  notebook  `dpskit build` after editing one session's notebook (the last session)
  quiz      `dpskit build` after editing one quiz item (the second session's bank)
  template  `dpskit build` after editing the slides template (must execute nothing)
  own(s)    one session alone, cold: its own execute + render (the targets of notebook and quiz)
  preview   `dpskit preview`: from saving a quiz edit to the rebuilt page being served
  help      `dpskit --help`
and, once: every session and format of curriculum.yml with PDFs, cold (PDFs render on every
core), then again after one quiz edit (only the outputs that edit touches, PDFs included).
"Cold" starts with an empty user cache too (parsed YAML and content live in
$XDG_CACHE_HOME/dpskit, pointed at a folder of the benchmark's own), so nothing parsed before
helps it; the naive loop starts from an empty one as well.
Each row shows wall seconds and the CPU seconds spent (children's user+sys; the preview
server's own for preview): on a shared machine wall time depends on the load, CPU time much
less, and ratios measured in one run compare like with like.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FORMATS = ["slides", "handout", "guide", "notebook"]
COPIED = ("curriculum.yml", "sessions", "data", "facilitator_guides", "export", "workshop.yml")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path = REPO) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, what it printed)."""
    cpu, started = children_cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True)
    return time.perf_counter() - started, children_cpu() - cpu, done.stdout + done.stderr


def process_cpu(pid: int) -> float:
    """user+sys seconds of a running process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def edit_notebook(path: Path, run: int) -> None:
    data = json.loads(path.read_text())
    cell = next(c for c in data["cells"] if c["cell_type"] == "markdown")
    cell["source"] = "".join(cell["source"]) + f"\n\n(edited for the benchmark, run {run})"
    path.write_text(json.dumps(data, indent=1))


def mark_first_feedback(bank: Path, marker: str) -> None:
    """Put `marker` at the start of the bank's first feedback text, folded (>-) or plain."""
    text = bank.read_text(encoding="utf-8")
    edited = re.sub(r"(feedback: >-\n\s+|feedback: (?![>|]))", lambda m: m[1] + marker + " ", text, count=1)
    if edited == text:
        raise SystemExit(f"bench: no feedback in {bank}")
    bank.write_text(edited, encoding="utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def preview_reload(root: Path, session: str, runs: int) -> tuple[list[float], list[float]]:
    """Save a quiz edit, wait for the reload event, fetch the page: seconds and server CPU."""
    port = free_port()
    server = subprocess.Popen([str(BIN / "dpskit"), "--root", str(root), "preview", session, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    walls, cpus = [], []
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 600
        while True:  # the first build, then the server
            try:
                urllib.request.urlopen(base + "/index.html", timeout=5).read()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise SystemExit("bench: dpskit preview did not start")
                time.sleep(0.2)
        events = urllib.request.urlopen(base + "/__dpskit__/events", timeout=600)
        version = json.loads(events.readline().decode()[6:])["version"]
        events.readline()
        bank = root / "data" / "quizzes" / f"{session}.yaml"
        page = f"{base}/guide/{session}.guide.html"
        for run in range(runs):
            marker = f"PREVIEW-EDIT-{run}"
            cpu, started = process_cpu(server.pid), time.perf_counter()
            mark_first_feedback(bank, marker)
            while True:
                raw = events.readline()
                if not raw:
                    raise SystemExit("bench: dpskit preview closed its event stream")
                line = raw.decode().strip()
                if line.startswith("data: "):
                    state = json.loads(line[6:])
                    if state["problems"]:
                        raise SystemExit(f"bench: preview reported {state['problems']}")
                    if state["version"] != version:
                        version = state["version"]
                        break
            served = urllib.request.urlopen(page, timeout=60).read().decode()
            walls.append(time.perf_counter() - started)
            cpus.append(process_cpu(server.pid) - cpu)
            if marker not in served:
                raise SystemExit("bench: the reloaded page does not show the edit")
        events.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return walls, cpus


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median is reported)")
    parser.add_argument("--sessions", type=int, default=5, help="how many sessions of curriculum.yml (from the first)")
    args = parser.parse_args(argv)
    from dpskit.content import load_valid_content

    sessions = [s.id for s in load_valid_content(REPO).sessions][: args.sessions]
    work = Path(tempfile.mkdtemp(prefix="dpskit-bench-"))
    root = work / "repo"  # a copy, so edits never touch the checkout
    root.mkdir()
    for name in COPIED:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        elif (REPO / name).is_file():
            shutil.copy2(REPO / name, root / name)
    dpskit = [str(BIN / "dpskit"), "--root", str(root)]
    formats = [flag for f in FORMATS for flag in ("-f", f)]
    selection = [flag for s in sessions for flag in ("-s", s)] + formats
    out = work / "out"
    user_cache = work / "user-cache"
    os.environ["XDG_CACHE_HOME"] = str(user_cache)  # every dpskit and nbconvert process below
    build = [*dpskit, "build", "--no-pdf", "-o", str(out), *selection]
    edited_notebook, quiz_session = sessions[-1], sessions[min(1, len(sessions) - 1)]
    wall: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    checks: dict[str, str] = {}

    def record(key: str, measured: tuple[float, float, str]) -> str:
        wall.setdefault(key, []).append(measured[0])
        cpu.setdefault(key, []).append(measured[1])
        return measured[2]

    def own(session: str) -> tuple[float, float, str]:
        one = work / f"one-{session}"
        shutil.rmtree(one, ignore_errors=True)
        shutil.rmtree(root / ".dpskit-cache", ignore_errors=True)  # parsed content stays: only execute + render
        return timed([*dpskit, "build", "-q", "--no-pdf", "-o", str(one), "-s", session, *formats])

    for run in range(args.runs):
        print(f"run {run + 1}/{args.runs} ...", file=sys.stderr)
        shutil.rmtree(user_cache, ignore_errors=True)
        cpu_before, started = children_cpu(), time.perf_counter()
        for session in sessions:
            for fmt in FORMATS:
                subprocess.run([str(BIN / "jupyter"), "nbconvert", "--execute", "--to", f"dpskit-{fmt}",
                                "--output-dir", str(work / "nbconvert"), str(root / "sessions" / f"{session}.ipynb")],
                               cwd=root, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        record("naive", (time.perf_counter() - started, children_cpu() - cpu_before, ""))
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(root / ".dpskit-cache", ignore_errors=True)
        shutil.rmtree(user_cache, ignore_errors=True)
        record("cold", timed(build))
        said = record("noop", timed(build))
        checks["noop"] = "up to date" if "Up to date" in said else f"NOT up to date: {said.strip()[:200]}"
        edit_notebook(root / "sessions" / f"{edited_notebook}.ipynb", run)
        record("notebook", timed(build))
        mark_first_feedback(root / "data" / "quizzes" / f"{quiz_session}.yaml", f"(run {run})")
        said = record("quiz", timed(build))
        checks["quiz"] = said.split("(executed:", 1)[-1].split(")")[0].strip() if "executed:" in said else said.strip()[:200]
        template = root / "export" / "templates" / "dpskit_slides" / "index.html.j2"
        template.write_text(template.read_text() + f"\n{{# edited for the benchmark, run {run} #}}\n")
        said = record("template", timed(build))
        checks["template"] = said.split("(executed:", 1)[-1].split(";")[0].strip() if "executed:" in said else said.strip()[:200]
        record("own-notebook", own(edited_notebook))
        record("own-quiz", own(quiz_session))
        record("help", min((timed([str(BIN / "dpskit"), "--help"]) for _ in range(5)), key=lambda m: m[0]))
    print("full build with PDFs ...", file=sys.stderr)
    full = [*dpskit, "build", "-o", str(work / "full")]  # every session and format of curriculum.yml, with PDFs
    shutil.rmtree(root / ".dpskit-cache", ignore_errors=True)
    shutil.rmtree(user_cache, ignore_errors=True)
    record("full-pdf", timed(full))
    mark_first_feedback(root / "data" / "quizzes" / f"{quiz_session}.yaml", "(full run)")
    said = record("full-pdf-quiz", timed(full))
    counted = re.search(r"(\d+) files rendered, (\d+) unchanged", said)
    checks["full-pdf-quiz"] = f"{counted[1]} files rendered, {counted[2]} unchanged" if counted else said.strip()[:200]
    print("preview ...", file=sys.stderr)
    walls, cpus = preview_reload(root, quiz_session, args.runs)
    wall["preview"], cpu["preview"] = walls, cpus

    w = {key: statistics.median(values) for key, values in wall.items()}
    c = {key: statistics.median(values) for key, values in cpu.items()}

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    rows = [
        ("naive", f"nbconvert --execute, one process per session and format ({len(sessions)} x {len(FORMATS)})", "", ""),
        ("cold", "dpskit build, cold", "<= 0.1 x naive", verdict(w["cold"] <= 0.1 * w["naive"])),
        ("noop", "dpskit build, nothing changed", "<= 1 s", verdict(w["noop"] <= 1) + f"; {checks['noop']}"),
        ("notebook", f"dpskit build, one notebook edited ({edited_notebook})", "<= 1.5 x own",
         verdict(w["notebook"] <= 1.5 * w["own-notebook"])),
        ("own-notebook", f"  {edited_notebook} alone, cold: its own execute + render", "", ""),
        ("quiz", f"dpskit build, one quiz item edited ({quiz_session})", "<= 1.5 x own",
         verdict(w["quiz"] <= 1.5 * w["own-quiz"]) + f"; executed: {checks['quiz']}"),
        ("own-quiz", f"  {quiz_session} alone, cold: its own execute + render", "", ""),
        ("template", "dpskit build, slides template edited", "executes nothing",
         verdict(checks["template"] in ("none", "none)")) + f"; executed: {checks['template']}"),
        ("preview", f"dpskit preview {quiz_session}: save a quiz edit -> page served again", "<= 1 s", verdict(w["preview"] <= 1)),
        ("help", "dpskit --help", "<= 0.3 s", verdict(w["help"] <= 0.3)),
        ("full-pdf", "dpskit build, every session with PDFs, cold (PDFs on every core)", "", ""),
        ("full-pdf-quiz", f"  the same after one quiz item edited ({quiz_session}): only what changed", "",
         checks["full-pdf-quiz"]),
    ]
    load = os.getloadavg()
    print(f"\nSessions: {', '.join(sessions)}; formats: {', '.join(FORMATS)}; no PDFs except the full build; median of {args.runs} run(s); "
          f"{os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end.\n")
    print("| measurement | wall s | CPU s | target | result |\n|---|---:|---:|---|---|")
    for key, label, target, result in rows:
        print(f"| {label} | {w[key]:.2f} | {c[key]:.2f} | {target} | {result} |")
    print("\nRatios (wall; CPU in brackets):")
    print(f"  cold / naive        = {w['cold'] / w['naive']:.3f}  [{c['cold'] / c['naive']:.3f}]   target <= 0.1")
    print(f"  notebook / own      = {w['notebook'] / w['own-notebook']:.2f}   [{c['notebook'] / c['own-notebook']:.2f}]    target <= 1.5")
    print(f"  quiz / own          = {w['quiz'] / w['own-quiz']:.2f}   [{c['quiz'] / c['own-quiz']:.2f}]    target <= 1.5")
    print(f"  preview             = {w['preview']:.2f} s [{c['preview']:.2f} s CPU]  target <= 1 s")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
