"""Benchmark: dpskit's one-process build against the route a user would otherwise take.

Measures, on the same sessions (those of workshop.yml) and the same formats, the median of
several runs of:
  (a) one `jupyter nbconvert --execute --to FORMAT` process per session and format
  (b) `dpskit build`, cold (no execution cache, no previous build)
  (c) `dpskit build` again with nothing changed
  (d) `dpskit build` after editing one session
  (e) `dpskit --help`
and, for (d)'s target, one session's own cold execute+render cost. Prints a table and ratios.
Run with `make bench`; a timed test would be flaky, a benchmark is read by people.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FORMATS = ["slides", "handout", "guide", "notebook"]


def timed(command: list[str], cwd: Path = REPO) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def workshop_sessions() -> list[str]:
    from dpskit.content import load_valid_content
    from dpskit.workshop import load_workshop

    plan, _ = load_workshop(REPO / "workshop.yml", load_valid_content(REPO))
    return plan.sessions


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median is reported)")
    args = parser.parse_args(argv)
    sessions = workshop_sessions()
    work = Path(tempfile.mkdtemp(prefix="dpskit-bench-"))
    # Work on a copy so editing a session never touches the checkout.
    root = work / "repo"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".venv", "build", ".dpskit-cache", ".git", "__pycache__"))
    dpskit = [str(BIN / "dpskit"), "--root", str(root)]
    selection = [flag for s in sessions for flag in ("-s", s)] + [flag for f in FORMATS for flag in ("-f", f)]
    out = work / "out"

    def cold_build() -> float:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(root / ".dpskit-cache", ignore_errors=True)
        return timed([*dpskit, "build", "-q", "--no-pdf", "-o", str(out), *selection])

    results: dict[str, list[float]] = {key: [] for key in "abcdef"}
    for run in range(args.runs):
        print(f"run {run + 1}/{args.runs} ...", file=sys.stderr)
        started = time.perf_counter()
        for session in sessions:
            for fmt in FORMATS:
                target = work / "nbconvert"
                subprocess.run([str(BIN / "jupyter"), "nbconvert", "--execute", "--to", f"dpskit-{fmt}",
                                "--output-dir", str(target), str(root / "sessions" / f"{session}.ipynb")],
                               cwd=root, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results["a"].append(time.perf_counter() - started)
        results["b"].append(cold_build())
        results["c"].append(timed([*dpskit, "build", "-q", "--no-pdf", "-o", str(out), *selection]))
        notebook = root / "sessions" / f"{sessions[-1]}.ipynb"
        data = json.loads(notebook.read_text())
        first_markdown = next(c for c in data["cells"] if c["cell_type"] == "markdown")
        first_markdown["source"] = "".join(first_markdown["source"]) + f"\n\n(edited for the benchmark, run {run})"
        notebook.write_text(json.dumps(data, indent=1))
        results["d"].append(timed([*dpskit, "build", "-q", "--no-pdf", "-o", str(out), *selection]))
        one = work / "one"
        shutil.rmtree(one, ignore_errors=True)
        shutil.rmtree(root / ".dpskit-cache", ignore_errors=True)
        results["f"].append(timed([*dpskit, "build", "-q", "--no-pdf", "-o", str(one), "-s", sessions[-1],
                                   *[flag for f in FORMATS for flag in ("-f", f)]]))
        results["e"].append(median([timed([str(BIN / "dpskit"), "--help"]) for _ in range(5)]))

    m = {key: median(values) for key, values in results.items()}
    rows = [
        ("a", f"nbconvert --execute, one process per session and format ({len(sessions)} x {len(FORMATS)})", None),
        ("b", "dpskit build, cold", "<= 0.1 x (a)"),
        ("c", "dpskit build, nothing changed", "<= 1 s"),
        ("d", "dpskit build, one session edited", "<= 1.5 x (f)"),
        ("f", "one session's own execute + render (cold, alone)", None),
        ("e", "dpskit --help", "<= 0.3 s"),
    ]
    print(f"\nSessions: {', '.join(sessions)}; formats: {', '.join(FORMATS)}; median of {args.runs} runs.\n")
    print("| | measurement | seconds | target |\n|---|---|---:|---|")
    for key, label, target in rows:
        print(f"| {key} | {label} | {m[key]:.2f} | {target or ''} |")
    print("\nRatios:")
    print(f"  (b)/(a) = {m['b'] / m['a']:.3f}   target <= 0.1")
    print(f"  (c)     = {m['c']:.2f} s   target <= 1 s")
    print(f"  (d)/(f) = {m['d'] / m['f']:.2f}    target <= 1.5")
    print(f"  (e)     = {m['e']:.3f} s  target <= 0.3 s")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
