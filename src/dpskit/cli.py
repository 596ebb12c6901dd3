"""Thin command line over the library: `dpskit check`, `build`, `preview`, `participant`, `room`, `new`, `strip`, `translate`."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import click

# jsonschema compiles ~40 Lark grammars when it is imported, if rfc3987-syntax is installed (JupyterLab's
# jupyter-events pulls it in): 1.2 s of every command that imports nbformat. dpskit checks no IRI formats,
# so the CLI does without it.
sys.modules.setdefault("rfc3987_syntax", None)

FORMAT_NAMES = ("slides", "participant-slides", "takehome", "handout", "guide", "notebook", "facilitator-notebook")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None, envvar="DPSKIT_ROOT",
              help="Folder holding curriculum.yml (default: search upward from here).")
@click.version_option(package_name="dpskit")
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """Build know-your-rights workshops from session notebooks and content data."""
    ctx.obj = root


class _Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP: unwinds like Ctrl-C, so staging, kernels and PDF workers are cleaned up."""


def _interrupt(signum, frame) -> None:
    raise _Interrupted(signal.Signals(signum).name)


def _project_root(root: Path | None) -> Path:
    from .content import find_root

    if root is not None and not root.is_dir():
        raise click.UsageError(f"--root {root}: no such folder")
    try:
        return find_root(root)
    except FileNotFoundError:
        where = root or Path.cwd()
        raise click.UsageError(f"{where} is not inside a dpskit project (no curriculum.yml here or in any parent folder); "
                               "run dpskit in the project folder or pass --root") from None


def _os_error(exc: OSError) -> str:
    """A file-system error as one sentence, with a hint for the usual causes."""
    import errno

    what = f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    hints = {errno.ENOSPC: "free some disk space and build again", errno.EDQUOT: "free some disk space and build again",
             errno.EROFS: "the folder is read-only; choose another with --out", errno.EACCES: "no permission; choose another folder with --out",
             errno.EPERM: "no permission; choose another folder with --out", errno.EFBIG: "a file-size limit (ulimit -f) stopped the write"}
    return f"{what} ({hints[exc.errno]})" if exc.errno in hints else what


def _report_errors(errors) -> None:
    click.secho(f"{len(errors)} problem(s) in the content:", fg="red", err=True)
    for error in errors:
        click.echo(f"  {error}", err=True)


@cli.command()
@click.option("--workshop", "-w", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Also check a workshop.yml: sessions, times, contacts and whether the plan fits.")
@click.option("--source-age", type=click.IntRange(min=1), default=None, metavar="MONTHS",
              help="Warn about sources reviewed longer ago than this (default: curriculum.yml source_max_age_months, or 12).")
@click.option("--layout", is_flag=True,
              help="Also build the slides and measure every slide in Chromium at 1280x720 (needs Chromium and dpskit[browser]).")
@click.option("--language", "-l", default=None, metavar="CODE",
              help="Also report the content translation into this language (locale/<CODE>/): translated, fuzzy, missing.")
@click.pass_obj
def check(root: Path | None, workshop: Path | None, source_age: int | None, layout: bool, language: str | None) -> None:
    """Validate curriculum.yml, data/ and every session notebook; list every problem."""
    from .content import InvalidContent, load_content, missing_notebooks
    from .content.quizbias import quiz_warnings
    from .content.review import review_warnings
    from .content.slidefit import slide_warnings

    from .content.standard import check_standard

    content, errors = load_content(_project_root(root), required=())
    # the gate: every session of curriculum.yml has its notebook; a copy holding some is checked all the same
    absent = missing_notebooks(content)
    standard = check_standard(content) if not errors else None
    if errors or standard.errors:
        _report_errors(absent + (errors or standard.errors))
        sys.exit(1)
    for warning in review_warnings(content, max_age_months=source_age) + slide_warnings(content) + quiz_warnings(content) + standard.warnings:
        click.secho(f"Warning: {warning}", fg="yellow", err=True)
    if _report_misquotes(content.root, None):
        sys.exit(1)
    if absent:
        _report_errors(absent)
        sys.exit(1)
    click.echo(f"OK: {len(content.sessions)} sessions, {len(content.quiz_items)} quiz items, "
               f"{len(content.sources)} sources, {len(content.glossary)} glossary terms, {len(content.scenarios)} scenarios.")
    if workshop is not None:
        from .workshop import agenda, agenda_warnings, load_workshop, summarize_agenda

        try:
            plan, warnings = load_workshop(workshop, content)
        except InvalidContent as exc:
            _report_errors(exc.errors)
            sys.exit(1)
        summary = summarize_agenda(agenda(plan, content), plan)
        drafts = [f"{workshop.name}: session {s} is still a draft (curriculum.yml status: draft); see the warnings above"
                  for s in plan.sessions if content.session(s).status == "draft"]
        for warning in warnings + agenda_warnings(summary, plan) + drafts:
            click.secho(f"Warning: {warning}", fg="yellow", err=True)
        count = len(plan.sessions)
        click.echo(f"OK: {workshop.name}: {count} session{'' if count == 1 else 's'}, {plan.start}–{summary.ends}, {summary.total} minutes.")
        if language is None and plan.language not in ("", "en") and (content.root / "locale" / plan.language).is_dir():
            _translation_status(content.root, plan.language, warn=True)  # what the build would show in English
    if layout:
        _check_layout(content.root)
    if language is not None and not _report_translation(content.root, language):
        sys.exit(1)


def _report_misquotes(root: Path, language: str | None) -> int:
    """Print every quotation of a script that is not its words (dpskit.content.quotes); how many."""
    from .content.quotes import quotation_problems

    problems = quotation_problems(root, language)
    if problems:
        click.secho(f"{len(problems)} quotation(s) of a script not in the words of data/scripts.yaml"
                    f"{f' or locale/{language}/shared.po' if language else ''}:", fg="red", err=True)
        for problem in problems:
            click.echo(f"  {problem}", err=True)
    return len(problems)


def _report_translation(root: Path, language: str) -> bool:
    """Print translated / fuzzy / missing per catalogue and name every message the build would show
    in English; True when every message is translated and every script quoted word for word."""
    from .content import load_content
    from .content.quizbias import quiz_warnings
    from .content.slidefit import slide_warnings

    from .catalogs import language_problem

    problem = language_problem(root, language)
    if problem:
        click.secho(f"--language {language!r} {problem}", fg="red", err=True)
        return False
    translated_content, errors = load_content(root, language=language, required=())  # the content as the build reads it
    if errors:
        click.secho(f"The content read in {language!r} has {len(errors)} problem(s) (a translation broke a placeholder, "
                    "a citation or a link?):", fg="red", err=True)
        _report_errors(errors)
    for warning in slide_warnings(translated_content) + quiz_warnings(translated_content):
        click.secho(f"Warning ({language}): {warning}", fg="yellow", err=True)
    finished = _translation_status(root, language, told={str(e) for e in errors})
    misquoted = _report_misquotes(root, language)
    return finished and not errors and not misquoted


def _translation_status(root: Path, language: str, *, warn: bool = False, told: set[str] = frozenset()) -> bool:
    """The per-catalogue table, then one line per fuzzy or missing message (catalogue and line,
    context, first English words) and what to do; True when there is none. `warn`: as warnings;
    `told`: catalogue problems already printed."""
    from .catalogs import AWAITING_REVIEW, coverage

    report = coverage(root, language)
    interface = _interface_status(language)
    width = max(len(c.name) for c in report)
    click.echo(f"Content translation into {language!r} (locale/{language}/):")
    for c in report:
        stale = "  (stale: run dpskit translate update)" if c.stale else ""
        click.echo(f"  {c.name:<{width}}  {c.translated:4} translated  {c.fuzzy:4} fuzzy  {c.missing:4} missing  of {c.total}{stale}")
        for problem in c.problems:
            if problem not in told:  # a broken catalogue is told once
                click.secho(f"  {problem}", fg="red", err=True)
    translated, fuzzy, missing = (sum(getattr(c, k) for c in report) for k in ("translated", "fuzzy", "missing"))
    total = translated + fuzzy + missing
    click.echo(f"  total: {translated}/{total} translated ({100 * translated / max(total, 1):.1f} %), {fuzzy} fuzzy, {missing} missing")
    if interface is not None:
        click.echo(f"  interface (src/dpskit/locale/{language}/LC_MESSAGES/dpskit.po): {interface.translated} translated, "
                   f"{len(interface.fuzzy)} fuzzy, {len(interface.missing)} missing, {len(interface.broken)} with a changed placeholder")
    if any(c.review in ("", AWAITING_REVIEW) for c in report):
        click.echo("  review: community translation, awaiting review by a native-speaking trainer")
    unfinished = [u for c in report for u in c.unfinished]
    if interface is not None:
        from .catalogs import Unfinished

        po = f"src/dpskit/locale/{language}/LC_MESSAGES/dpskit.po"
        unfinished += [Unfinished(state, po, "(interface)", english) for state, found in
                       (("fuzzy", interface.fuzzy), ("missing", interface.missing), ("broken", interface.broken)) for english in found]
    if unfinished:
        colour = "yellow" if warn else "red"
        click.secho(f"{'Warning: ' if warn else ''}{len(unfinished)} message(s) not translated into {language!r}: "
                    "the build shows their English.", fg=colour, err=True)
        for u in unfinished:
            click.echo(f"  {u}", err=True)
        click.echo("  To fix one: open the .po at that line in a text editor, or in a PO editor such as Poedit (it shows a "
                   "fuzzy entry in orange as Needs Work); compare the translation with the English (a fuzzy entry keeps "
                   "the old English as #| msgid), correct it, and clear the fuzzy mark (untick Needs Work, or delete the "
                   "\"#, fuzzy\" line). See README.md, Translating.", err=True)
    return not unfinished and not any(c.problems for c in report)


def _interface_status(language: str):
    """The interface catalogue's coverage, where this is a checkout (babel.cfg names the sources)."""
    from .messages import CHECKOUT, coverage

    return coverage(language) if (CHECKOUT / "babel.cfg").is_file() else None


@cli.group()
def translate() -> None:
    """Content translations: gettext catalogues under locale/<language>/, English is the source."""


@translate.command("status")
@click.option("--language", "-l", required=True, metavar="CODE", help="Language code, e.g. es.")
@click.pass_obj
def translate_status(root: Path | None, language: str) -> None:
    """Per catalogue: translated, fuzzy and missing messages, then each fuzzy or missing one with
    its catalogue line and context. Exits 1 while any is left."""
    if not _translation_status(_project_root(root), language):
        sys.exit(1)


@translate.command("update")
@click.option("--language", "-l", required=True, metavar="CODE", help="Language code, e.g. es.")
@click.pass_obj
def translate_update(root: Path | None, language: str) -> None:
    """Extract every translatable string from the English and merge it into locale/<CODE>/: translations
    are kept, changed English marks them fuzzy, new strings come in empty, removed ones become obsolete."""
    from .catalogs import CatalogueError, update

    root = _project_root(root)
    try:
        written = update(root, language)
    except CatalogueError as exc:
        raise click.ClickException(f"{exc}; nothing was written") from None
    except OSError as exc:
        raise click.ClickException(f"could not write locale/{language}/: {exc.strerror or exc}"
                                   + (f": {exc.filename}" if exc.filename else "")) from None
    click.echo(f"Updated {len(written)} catalogue(s) in locale/{language}/" + (f": {', '.join(written)}" if written else " (all up to date)"))


def _check_layout(root: Path) -> None:
    from .slidelayout import LayoutUnavailable, layout_report

    try:
        fits = layout_report(root)
    except LayoutUnavailable as exc:
        click.secho(f"Layout not checked: {exc}", fg="red", err=True)
        sys.exit(2)
    problems = [f"{fit.deck}: {overflow}" for fit in fits for overflow in fit.overflows]
    for problem in problems:
        click.secho(f"Overflow: {problem}", fg="red", err=True)
    slides = sum(fit.slides for fit in fits)
    if problems:
        click.secho(f"{len(problems)} slide state(s) of {slides} slides run off the slide at 1280x720.", fg="red", err=True)
        sys.exit(1)
    click.echo(f"OK: layout of {slides} slides in {len(fits)} decks at 1280x720, every fragment and role-play step.")


@cli.command()
@click.option("--sessions", "-s", multiple=True, callback=lambda ctx, param, value: tuple(s.strip() for v in value for s in v.split(",") if s.strip()),
              help="Session id to build (repeatable, or several separated by commas; default: all).")
@click.option("--formats", "-f", multiple=True, type=click.Choice(FORMAT_NAMES), help="Format to build (repeatable; default: all).")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder (default: build/<date>-<title>/ with --workshop, else build/all/).")
@click.option("--workshop", "-w", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="A workshop.yml: its sessions, agenda and contacts; the pack goes to build/<date-title>/ plus a .zip.")
@click.option("--pdf/--no-pdf", default=None, help="Also render PDFs (default: when WeasyPrint is installed).")
@click.option("--no-cache", is_flag=True, help="Execute every session even if nothing changed.")
@click.option("--timeout", type=click.IntRange(min=1), default=None, metavar="SECONDS",
              help="Stop a session whose cell runs longer than this (default: 180).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; print only problems.")
@click.option("--language", "-l", default=None, metavar="CODE",
              help="Build in this language, e.g. es, content through locale/<CODE>/ (default: the workshop's language:, else the curriculum's).")
@click.pass_obj
def build(root: Path | None, sessions, formats, out, workshop, pdf, no_cache, timeout, quiet, language) -> None:
    """Check the content, execute each session once and write every format plus index.html."""
    from .build import build as run_build
    from .build import what_was_written
    from .content import InvalidContent
    from .execute import SessionExecutionError
    from .output import OutputError

    root = _project_root(root)
    if language == "":  # not "the default": a language left out by mistake
        raise click.UsageError("--language '' is not a language code such as es or pt-BR")
    if threading.current_thread() is threading.main_thread():  # signal handlers can only be set there
        for name in ("SIGTERM", "SIGHUP"):
            signal.signal(getattr(signal, name), _interrupt)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # over a file-size limit, a write fails with EFBIG instead of killing us
    try:
        options = {"sessions": sessions, "formats": formats, "workshop": workshop, "pdf": pdf, "use_cache": not no_cache,
                   "timeout": timeout, "language": language}
        result = run_build(root, out, **options) if quiet else _build_with_progress(run_build, root, out, options)
    except InvalidContent as exc:
        _report_errors(exc.errors)
        click.secho("Nothing was built.", fg="red", err=True)
        sys.exit(1)
    except OutputError as exc:
        click.secho(f"Nothing was built: {exc}", fg="red", err=True)
        sys.exit(1)
    except (SessionExecutionError, ValueError, OSError) as exc:
        click.secho(f"Build failed: {_os_error(exc) if isinstance(exc, OSError) else exc}", fg="red", err=True)
        written = what_was_written(exc)
        click.secho(f"{written[0].upper()}{written[1:]}.", err=True)
        sys.exit(1)
    except KeyboardInterrupt as exc:
        click.secho(f"Build stopped ({exc or 'Ctrl-C'}); {what_was_written(exc)}.", fg="red", err=True)
        sys.exit(130)
    for warning in result.warnings:
        click.secho(f"Warning: {warning}", fg="yellow", err=True)
    if quiet:
        return
    if result.up_to_date:
        click.echo(f"Up to date: {len(result.files)} files in {result.out} ({result.seconds:.2f} s; nothing changed).")
        click.echo(f"Open {_shown(result.out / 'index.html')}")
        return
    click.echo(f"Built {result.out} in {result.seconds:.1f} s: {len(result.rendered)} files rendered, {len(result.reused)} unchanged "
               f"(executed: {', '.join(result.executed) or 'none'}; from cache: {', '.join(result.cached) or 'none'}).")
    if formats:
        along = sorted({rel.split("/")[0] for rel in result.rendered + result.reused
                        if not any(rel.startswith(f"{folder}/") for folder in _format_folders(formats))})
        if along:
            click.echo(f"Written with them, as in every pack: {', '.join(along)}")
    if result.archive:
        click.echo(f"Pack archive: {result.archive}")
    if result.participant:
        click.echo(f"Participant pack (safe to hand out: no guides, answer key or speaker notes): {result.participant} and .zip")
    click.echo(f"Open {_shown(result.out / 'index.html')}")


def _format_folders(formats) -> set[str]:
    from .packs import output_path

    return {output_path(fmt, "x").parts[0] for fmt in formats}


def _shown(path: Path) -> str:
    """A path as short as it can be said from here."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _build_with_progress(run_build, root, out, options):
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), transient=False) as progress:
        tasks: dict[str, int] = {}
        steps = 1 + len(options["formats"] or FORMAT_NAMES)

        def on_progress(task: str, step: str, total: int | None = None) -> None:
            """A session's formats, or the PDFs (with their own total) as each is written."""
            if task not in tasks:
                tasks[task] = progress.add_task(task, total=total or steps)
            progress.update(tasks[task], advance=1, description=f"{task}: {step}")

        return run_build(root, out, on_progress=on_progress, **options)


@cli.command()
@click.argument("session", required=False)
@click.option("--workshop", "-w", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="A workshop.yml: its sessions and the values its placeholders fill.")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the preview build (default: build/preview/).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (this computer only by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (a free one if taken).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser.")
@click.pass_obj
def preview(root: Path | None, session: str | None, workshop, out, host: str, port: int, open_browser: bool) -> None:
    """Build (no PDFs), serve it here and rebuild on every save under sessions/, data/,
    facilitator_guides/, export/ and the workshop file; open pages reload in place.
    Problems show in the page and here, over the last good build. Stop with Ctrl-C."""
    import threading

    from .output import OutputError
    from .packs import output_path
    from .preview import Preview

    root = _project_root(root).resolve()
    try:
        live = Preview(root, (out or root / "build" / "preview").resolve(), sessions=[session] if session else None,
                       workshop=workshop, host=host, port=port, say=lambda text: click.echo(text, err=True))
    except (OSError, OverflowError) as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {getattr(exc, 'strerror', None) or exc}") from None
    live.rebuild()
    if isinstance(live.error, OutputError):  # a folder it may not build into is never served either
        live.server.server_close()
        raise click.ClickException(f"Nothing was built: {live.error}")
    live.start()
    page = live.url + (output_path("slides", session).as_posix() if session else "")
    click.echo(f"Previewing at {page} (watching {', '.join(p.name for p in live.watched())}); Ctrl-C stops.")
    if open_browser:
        import webbrowser

        webbrowser.open(page)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        live.stop()


@cli.command()
@click.argument("pack", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--lab", is_flag=True, help="JupyterLab (code and prompts hidden, nothing saved) instead of Voilà.")
@click.option("--port", type=int, default=8866, show_default=True, help="Port on 127.0.0.1.")
@click.option("--no-browser", is_flag=True, help="Do not open a browser; print the address only.")
@click.option("--hub", is_flag=True, help="Run as a JupyterHub single-user server (JupyterHub starts it: deploy/jupyterhub/).")
def participant(pack: Path, lab: bool, port: int, no_browser: bool, hub: bool) -> None:
    """Open a built pack's notebooks as participants see them: no code, nothing from outside.

    Needs the live extra: pip install 'dpskit[live]'. Stop with Ctrl-C."""
    try:
        from .participant import RootRefused, serve
    except ImportError as exc:
        raise click.ClickException(f"{exc.name} is not installed: pip install 'dpskit[live]' (or make participant)") from None
    try:
        sys.exit(serve(pack, lab=lab, port=port, open_browser=not no_browser, hub=hub))
    except (FileNotFoundError, RootRefused) as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@click.argument("pack", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--workshop", "-w", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="The workshop.yml the pack was built from, for its room: settings (default: ./workshop.yml "
                   "when the pack is its build).")
@click.option("--host", default="0.0.0.0", show_default=True,
              help="Address to listen on: every network of this computer, or one interface's address.")
@click.option("--port", type=click.IntRange(1, 65535), default=8866, show_default=True,
              help="Port (another free one if a program other than a dpskit room holds it).")
@click.option("--allow-network", "allow_networks", multiple=True, metavar="NETWORK",
              help="Also accept devices on this network, e.g. 203.0.113.0/24, for venue wifi that gives public "
                   "addresses (only private networks by default). Repeatable.")
@click.pass_obj
def room(root: Path | None, pack: Path, workshop: Path | None, host: str, port: int, allow_networks: tuple[str, ...]) -> None:
    """Open the room: participants join PACK's participant pack and notebooks from their phones
    over the room's wifi, and answer live anonymous polls opened from the slides. Give the
    facilitator pack (build/<pack>); nothing is saved. Needs dpskit[live]. Stop with Ctrl-C."""
    import importlib.util

    for module in ("voila", "jupyter_server", "segno", "psutil"):  # the live extra, before anything starts
        if importlib.util.find_spec(module) is None:
            raise click.ClickException(f"{module} is not installed: pip install 'dpskit[live]'")
    from .participant import nothing_kept

    with nothing_kept():
        _room(root, pack, workshop, host, port, allow_networks)


def _room(root: Path | None, pack: Path, workshop: Path | None, host: str, port: int, allow_networks: tuple[str, ...]) -> None:
    from .room import serve

    settings = _room_settings(root, pack, workshop)
    for name in ("SIGTERM", "SIGHUP"):  # closing the terminal or `kill` closes the room too, kernels and all
        signal.signal(getattr(signal, name), _interrupt)
    try:
        sys.exit(serve(pack, host=host, port=port, settings=settings, say=click.echo, allow_networks=allow_networks))
    except (FileNotFoundError, RuntimeError, TimeoutError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None


def _room_settings(root: Path | None, pack: Path, workshop: Path | None):
    """room: from the workshop file: the one given, or the project's workshop.yml if `pack` is its build."""
    from .room import RoomSettings

    given = workshop is not None
    if not given:
        try:
            workshop = _project_root(root) / "workshop.yml"
        except click.UsageError:
            return RoomSettings()
        if not workshop.is_file():
            return RoomSettings()
    from .content import InvalidContent, load_valid_content
    from .workshop import load_workshop

    try:
        plan, _ = load_workshop(workshop, load_valid_content(_project_root(root)))
    except InvalidContent as exc:
        _report_errors(exc.errors)
        sys.exit(1)
    if not given and plan.slug != Path(pack).resolve().name:
        return RoomSettings()  # the pack comes from another workshop file
    return RoomSettings.of(plan)


@cli.group()
def new() -> None:
    """Scaffold content that passes `dpskit check` at once: a session, a quiz item, a scenario."""


def _scaffolded(run) -> None:
    from .scaffold import ScaffoldError

    try:
        written = run()
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    for path in written:
        click.echo(f"  wrote {path}")
    click.echo("Next: fill in the text it asks for, then run dpskit check (it lists what is still to write).")


@new.command("session")
@click.argument("session_id", metavar="ID")
@click.option("--title", "-t", required=True, help="The session's title as participants read it.")
@click.pass_obj
def new_session(root: Path | None, session_id: str, title: str) -> None:
    """A draft session ID (like 10-after-a-visit): notebook, quiz bank, guide, curriculum entry, catalogue entries."""
    from .scaffold import new_session as scaffold

    _scaffolded(lambda: scaffold(_project_root(root), session_id, title))


@new.command("quiz")
@click.argument("session_id", metavar="SESSION")
@click.argument("item_id", metavar="ID")
@click.pass_obj
def new_quiz(root: Path | None, session_id: str, item_id: str) -> None:
    """A quiz item ID in SESSION's bank, asked in its notebook before the closing slides."""
    from .scaffold import new_quiz as scaffold

    _scaffolded(lambda: scaffold(_project_root(root), session_id, item_id))


@new.command("scenario")
@click.argument("scenario_id", metavar="ID")
@click.option("--session", "-s", "session_id", required=True, help="The session that plays it.")
@click.pass_obj
def new_scenario(root: Path | None, scenario_id: str, session_id: str) -> None:
    """A two-ending role-play in data/scenarios/ID.yaml, played in SESSION's notebook."""
    from .scaffold import new_scenario as scaffold

    _scaffolded(lambda: scaffold(_project_root(root), scenario_id, session_id))


@cli.command()
@click.argument("notebooks", nargs=-1, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.pass_obj
def strip(root: Path | None, notebooks: tuple[Path, ...]) -> None:
    """Clear outputs and execution counts from NOTEBOOKS (default: every notebook in sessions/), as git wants them."""
    from .scaffold import strip_outputs

    paths = list(notebooks) or sorted((_project_root(root) / "sessions").glob("*.ipynb"))
    changed = strip_outputs(paths)
    click.echo(f"Cleared {len(changed)} of {len(paths)} notebook(s)" + (f": {', '.join(p.name for p in changed)}" if changed else ""))


@cli.command("summary-pdf")
@click.argument("page", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--paper", type=click.Choice(["letter", "a4"]), default="letter", help="Paper size (default: letter).")
def summary_pdf(page: Path, paper: str) -> None:
    """The one-page PDF of a saved workshop summary (from the day-check deck), beside PAGE."""
    from .daycheck_page import summary_pdf as render
    from .pdf import weasyprint_available

    if not weasyprint_available():
        raise click.ClickException("WeasyPrint (with Pango) is not installed: open the page in a browser and print it to PDF")
    try:
        click.echo(f"Wrote {render(page, paper)}")
    except OSError as exc:
        raise click.ClickException(_os_error(exc)) from None


def main(args: list[str] | None = None) -> None:
    """Entry point; callable from tests with a list of arguments."""
    cli.main(args=args, prog_name="dpskit")


if __name__ == "__main__":
    main()
