"""The pipeline: validate, execute each session once, render every format in one process.

Outputs are reused from the previous build when nothing they depend on changed (same
session key, same settings), so a rebuild with nothing changed executes and renders nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from dataclasses import replace as with_changes
from pathlib import Path
from typing import Any, Callable, Iterable

import nbformat

from .before import RUN_SHEET
from .content import Content, InvalidContent, load_valid_content, missing_notebooks
from .index import BEFORE_THE_DAY, DAY_CHECK
from .output import (MANIFEST, archive_is_current, check_target, files_of, fingerprint, intact, is_ours, locked, read_manifest,
                     replace, staging_folder, write_zip)
from .packs import (DEFENSE_PLAN, FAMILY_PLAN, FOR_PARTICIPANTS, FORMATS, PARTICIPANT_FORMATS, PDF_OF, POCKET_CARD, PRINTS_CONTACTS,
                    SHARED_WITH_CONTACTS, SOURCE_FORMATS, archives, materials_for, output_path, participant_copy, participant_dir)

CACHE_FOLDER = ".dpskit-cache"


@dataclass
class BuildResult:
    out: Path
    files: list[Path] = field(default_factory=list)
    executed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    archive: Path | None = None
    participant: Path | None = None   # the participant pack, beside the facilitator pack
    up_to_date: bool = False
    replaced: bool = False            # the facilitator pack was swapped in (the participant pack comes after)
    seconds: float = 0.0


def what_was_written(exc: BaseException) -> str:
    """What a failed or interrupted build left behind, for its message: only what is true."""
    return getattr(exc, "dpskit_written", None) or "nothing was written"


def _exporter(fmt: str, **traits: Any):
    from importlib import import_module

    module, name = FORMATS[fmt][0].split(":") if fmt in FORMATS else ("dpskit.exporters", fmt)
    return getattr(import_module(module), name)(**traits)


def build(
    root: Path | None = None,
    out: Path | None = None,
    *,
    sessions: Iterable[str] | None = None,
    formats: Iterable[str] | None = None,
    workshop: Path | None = None,
    pdf: bool | None = None,
    use_cache: bool = True,
    timeout: int | None = None,
    language: str | None = None,
    on_progress: Callable[[str, str], None] | None = None,
) -> BuildResult:
    """Build into a temporary folder and move it into place only when everything worked,
    so a failure leaves the previous build untouched. With a workshop file, the pack goes to
    build/<workshop-slug>/ with an agenda, the workshop's contacts and a .zip beside it.
    Every page speaks `language`, else the workshop's `language:`, else the curriculum's."""
    from .i18n import using
    from .workshop import workshop_language

    started = time.perf_counter()
    # the workshop's language (or --language) also decides how the content is read: through its catalogues;
    # which notebooks must be here is decided by what is built (_select)
    content = load_valid_content(root, language=language or (workshop_language(Path(workshop)) if workshop else None), required=())
    plan, warnings = None, []
    if workshop is not None:
        from .workshop import load_workshop

        with using(language or content.language):  # its warnings speak the pack's language too
            plan, warnings = load_workshop(Path(workshop), content)
    with using(language or (plan.language if plan else content.language)):
        result = _build(content, plan, warnings, out, sessions, formats, pdf, use_cache, timeout, on_progress)
    result.seconds = time.perf_counter() - started
    return result


def _build(content, plan, warnings, out, sessions, formats, pdf, use_cache, timeout, on_progress) -> BuildResult:
    from .deps import Dependencies
    from .pdf import weasyprint_available

    result = BuildResult(out=Path())
    frame, timing = None, []
    if plan is not None:
        from .workshop import agenda, agenda_warnings, summarize_agenda

        frame = agenda(plan, content)
        timing = agenda_warnings(summarize_agenda(frame, plan), plan)
        result.warnings += warnings + timing
        sessions = sessions or plan.sessions
    selected = _select(content, sessions)
    absent = missing_notebooks(content)
    if absent:
        result.warnings.append(f"{len(absent)} of the {len(content.sessions)} notebooks curriculum.yml lists are not here; "
                               "this build does not need them (dpskit check names them)")
    # build/ holds every workshop pack side by side, so a plain build gets a folder of its own too
    out = Path(out or content.root / "build" / (plan.slug if plan else "all")).resolve()
    check_target(out, content.root)
    if plan is not None:
        check_target(participant_dir(out), content.root)
    result.out = out
    from .catalogs import fallback_warnings

    result.warnings += fallback_warnings(content.root, content.language, [s.id for s in selected])
    formats = list(formats or FORMATS)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format(s): {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    if pdf and not weasyprint_available():
        raise ValueError("--pdf needs WeasyPrint and the system's Pango: `pip install 'dpskit[pdf]'` and "
                         "`apt-get install libpango-1.0-0 libpangoft2-1.0-0` (or build with --no-pdf)")
    if pdf is None:
        pdf = weasyprint_available()
        if not pdf:
            result.warnings.append("WeasyPrint (or the system's pango) is not installed: no PDFs this time. `pip install dpskit[pdf]`.")
    report = on_progress or (lambda task, step, total=None: None)
    settings = {"formats": formats, "pdf": pdf, "workshop": _workshop_dict(plan), "sessions": [s.id for s in selected]}
    deps = Dependencies(content, content.root / CACHE_FOLDER)
    agendas = _session_agendas(frame) if plan is not None else None
    keyed = lambda: _wanted_outputs(selected, formats, pdf, content, deps, settings, plan, agendas, timing)  # noqa: E731
    had_previous = is_ours(out)
    with locked(out):
        try:
            _build_into(out, content, selected, formats, pdf, plan, frame, timing, settings, deps, agendas, keyed,
                        use_cache, timeout, report, result)
        except BaseException as exc:
            exc.dpskit_written = (
                f"{out} was replaced by this build, but its participant pack and .zip files were not brought up to "
                "date: build again" if result.replaced
                else "the previous build was left untouched" if had_previous
                else "nothing was written (there was no previous build)")
            raise
    return result


def _build_into(out, content, selected, formats, pdf, plan, frame, timing, settings, deps, agendas, keyed,
                use_cache, timeout, report, result):
    """Render what is stale into a staging folder and swap it in; then bring the participant pack
    and the zips up to date (each zip carries the key of what it holds)."""
    wanted = keyed()
    previous = {rel: entry for rel, entry in read_manifest(out).items() if isinstance(entry, dict)}
    # an output is stale when what it depends on changed, or when it is not what was written (emptied,
    # cut short, edited: checked against the manifest's fingerprints); --no-cache makes all of them stale
    stale = {rel for rel, key in wanted.items() if not use_cache or key is None or previous.get(rel, {}).get("key") != key
             or not intact(out / rel, previous[rel].get("file"))}
    damaged = any(not intact(out / rel, entry.get("file")) for rel, entry in previous.items() if "key" not in entry)
    if not stale and not damaged:
        result.up_to_date, result.reused = True, sorted(wanted)
        result.files = [out / rel for rel in sorted(wanted)]
        _finish_packs(content, selected, out, wanted, plan, frame, result, rebuilt=False)
        return
    staging = staging_folder(out)
    try:
        for rel in sorted(set(wanted) - stale):
            _reuse(out / rel, staging / rel)
            result.reused.append(rel)
        to_render = [s for s in selected if any(rel in stale for rel in _session_outputs(s.id, formats, pdf))]
        cache_dir = content.root / CACHE_FOLDER / "executed" if use_cache else None
        needs_run = [s for s in to_render if any(rel in stale for fmt in formats if fmt not in SOURCE_FORMATS
                                                for rel in _format_outputs(fmt, s.id, pdf))]
        context = {"content": content, "executed": True, "workshop": settings["workshop"]}
        if plan is not None:
            context["agendas"] = agendas
        renderer = _SessionRenderer(formats, pdf, stale, context, staging, plan, report, result,
                                    source=lambda session: nbformat.from_dict(deps.source(session)[1]))
        pdf_jobs = _execute_and_render(deps, to_render, needs_run, cache_dir, timeout, renderer, result)
        pdf_jobs += _render_shared(content, selected, formats, pdf, stale, staging, plan, frame, result)
        if pdf_jobs:
            from .pdf import render_pdfs

            render_pdfs(pdf_jobs, on_done=lambda target: report("PDFs", target.relative_to(staging).as_posix(), len(pdf_jobs)),
                        cache=content.root / CACHE_FOLDER / "pdf" if use_cache else None)
            result.rendered += [job.target.relative_to(staging).as_posix() for job in pdf_jobs]
        _render_landing(content, selected, wanted, stale, staging, plan, frame, timing, result)
        if any(fmt in SOURCE_FORMATS for fmt in formats):
            _write_notebook_content(content, selected, formats, staging)
        wanted = keyed()  # now that every session ran, every key is known
        manifest = {rel: {"file": fingerprint(staging / rel, previous.get(rel, {}).get("file"))} for rel in files_of(staging)}
        for rel, key in wanted.items():
            manifest[rel]["key"] = key
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        replace(staging, out)
        result.replaced = True
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.files = [out / rel for rel in sorted(wanted)]
    _finish_packs(content, selected, out, wanted, plan, frame, result, rebuilt=True)


def _finish_packs(content, selected, out: Path, wanted, plan, frame, result, *, rebuilt: bool) -> None:
    """With a workshop: the participant pack and both zips, redone when the facilitator pack was
    rebuilt or when one of them is missing, damaged or from another build."""
    if plan is None:
        return
    from .deps import digest

    key = digest("packs", sorted(wanted.items()))
    (archive, participant_archive), participant = archives(out), participant_dir(out)
    result.archive, result.participant = archive, participant
    if rebuilt or not archive_is_current(archive, key):
        write_zip(out, archive, key, leave_out=FOR_PARTICIPANTS)  # the participant pack's copies are in its own zip
        result.rendered.append(archive.name)
    handed_out = read_manifest(participant)
    files = handed_out.get("files")
    if rebuilt or handed_out.get("key") != key or not isinstance(files, dict) or not archive_is_current(participant_archive, key) \
            or not all(intact(participant / rel, recorded) for rel, recorded in files.items()):
        _participant_pack(content, selected, out, wanted, plan, frame, key)
        write_zip(participant, participant_archive, key)
        result.rendered.append(participant_archive.name)
    result.up_to_date = result.up_to_date and not result.rendered


def _workshop_dict(plan) -> dict[str, Any] | None:
    if plan is None:
        return None
    data = asdict(plan)
    data.pop("source", None)
    data.pop("room", None)  # dpskit room reads it; no output depends on it
    return data


def _format_outputs(fmt: str, session_id: str, pdf: bool) -> list[str]:
    rels = [output_path(fmt, session_id).as_posix()]
    if pdf and fmt in PDF_OF:
        rels.append(PDF_OF[fmt].format(id=session_id))
    return rels


def _session_outputs(session_id: str, formats: list[str], pdf: bool) -> list[str]:
    return [rel for fmt in formats for rel in _format_outputs(fmt, session_id, pdf)]


def _shared_outputs(content: Content, selected, formats: list[str], pdf: bool, plan) -> list[str]:
    rels = ["index.html"]
    from .catalogs import in_english
    from .daycheck import check_items

    for rel in materials_for(selected, in_english(content)):
        rels += [f"{rel}.html"] + ([f"{rel}.pdf"] if pdf else [])
    if content.pocket_card is not None:
        rels += ["cards/pocket-card.html"] + (["cards/pocket-card.pdf"] if pdf else [])
    if "guide" in formats:
        rels += ["guide/answer-key.html"] + (["guide/answer-key.pdf"] if pdf else [])
    if plan is not None:
        rels += ["agenda.csv", BEFORE_THE_DAY, f"{RUN_SHEET}.html"] + ([f"{RUN_SHEET}.pdf"] if pdf else [])
    if plan is not None and check_items(content, plan.sessions, plan.check):  # the day's before-and-after check
        rels += [f"{DAY_CHECK}.html"] if "slides" in formats else []  # a deck kept open all day
        rels += [f"{DAY_CHECK}.ipynb"] if "facilitator-notebook" in formats else []  # or a notebook, by show of hands
    return rels


def _wanted_outputs(selected, formats, pdf, content, deps, settings, plan, agendas, timing) -> dict[str, str | None]:
    """Every file this build makes, with the key of exactly what it depends on (see dpskit.deps);
    None for a session that has not run since its notebook changed."""
    shown = {**settings, "workshop": _workshop_dict(_for_participants(plan))}  # what participants' own pages print
    wanted = {rel: deps.output_key(s, fmt, rel, shown if fmt in PARTICIPANT_FORMATS else settings, agendas)
              for s in selected for fmt in formats for rel in _format_outputs(fmt, s.id, pdf)}
    shared = _shared_outputs(content, selected, formats, pdf, plan)
    wanted.update({rel: deps.shared_key(rel, selected, settings, timing, wanted) for rel in shared})
    if _keeps_contacts_back(plan):  # the participant pack's own take-homes, readers, cards and worksheets
        from .deps import digest

        copies = {participant_copy(rel): deps.output_key(s, fmt, rel, shown, agendas)
                  for s in selected for fmt in PRINTS_CONTACTS if fmt in formats for rel in _format_outputs(fmt, s.id, pdf)}
        copies.update({participant_copy(rel): deps.shared_key(rel, selected, shown, timing, wanted)
                       for rel in shared if rel.rsplit(".", 1)[0] in SHARED_WITH_CONTACTS})
        wanted.update({rel: key and digest(rel, key) for rel, key in copies.items()})
    return wanted


def _for_participants(plan):
    """The workshop as the participant pack prints it: facilitators-only contacts are lines to fill in."""
    return None if plan is None else with_changes(plan, contacts=plan.public_contacts)


def _keeps_contacts_back(plan) -> bool:
    """Whether workshop.yml gives a contact only facilitators may see, so the participant pack needs
    its own render of every page that prints contacts (otherwise it shares the facilitator pack's)."""
    return plan is not None and bool(plan.kept_back)


def _reuse(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _select(content: Content, sessions: Iterable[str] | None):
    """The sessions to build (default: all). A maintainer's copy may hold only some notebooks: a
    build of those works, one that asks for a notebook that is not here fails at its curriculum.yml line."""
    wanted = list(sessions or [s.id for s in content.sessions])
    known = {s.id for s in content.sessions}
    missing = [s for s in wanted if s not in known]
    if missing:
        raise ValueError(f"unknown session id(s): {', '.join(missing)}; known: {', '.join(sorted(known))}")
    absent = missing_notebooks(content, wanted)
    if absent:
        raise InvalidContent(absent)
    return [next(s for s in content.sessions if s.id == session_id) for session_id in dict.fromkeys(wanted)]


def _execute_and_render(deps, to_render, needs_run, cache_dir, timeout, renderer, result) -> list:
    """Execute sessions in parallel (kernels, or calls in this process: see dpskit.deps) and
    render each one as soon as it is ready, so rendering overlaps the kernels still running.
    On any failure or interruption the other kernels are stopped at once."""
    from concurrent.futures import as_completed, wait

    from .execute import DEFAULT_TIMEOUT, stop_kernels

    def run(session):
        return deps.executed(session, cache_dir, timeout=timeout or DEFAULT_TIMEOUT, note=result.warnings.append)

    jobs = []
    workers = max(1, min(len(needs_run), (os.cpu_count() or 1) + 1))  # kernels also wait on I/O
    with ThreadPoolExecutor(max_workers=workers) as pool:
        running = {pool.submit(run, session): session for session in needs_run}
        try:
            for session in to_render:
                if session not in needs_run:
                    jobs += renderer.render(session, None)
            for future in as_completed(running):
                session = running[future]
                nb, from_cache = future.result()
                (result.cached if from_cache else result.executed).append(session.id)
                renderer.report(session.id, "cached" if from_cache else "executed")
                jobs += renderer.render(session, nb)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            stop_kernels()
            while wait(running, timeout=0.5).not_done:  # a kernel may still be starting
                stop_kernels()
            raise
    return jobs


def _session_agendas(frame) -> dict[str, dict[str, Any]]:
    """Each session's slice of the day's agenda, with real clock times, for its guide."""
    from .exporters.context import agenda_rows

    return {session_id: agenda_rows(part) for session_id, part in frame[frame["kind"] != "break"].groupby("session_id", sort=False)}


class _SessionRenderer:
    """Every stale output of a session, from exporters made once and reused for all sessions."""

    def __init__(self, formats, pdf, stale, context, staging, plan, report, result, source):
        self.formats, self.pdf, self.stale, self.context, self.source = formats, pdf, stale, context, source
        self.staging, self.plan, self.report, self.result = staging, plan, report, result
        from .deps import template_dirs

        self.templates = {"extra_template_basedirs": template_dirs(context["content"].root)}
        self.exporters = {fmt: _exporter(fmt, **({} if fmt in SOURCE_FORMATS else self.templates)) for fmt in formats}
        self.print_slides = None
        shown = _for_participants(plan)
        self.contexts = {"facilitators": (context, _footer(context["content"], plan)),
                         "participants": ({**context, "workshop": _workshop_dict(shown)}, _footer(context["content"], shown))}

    def audiences(self, fmt: str, rels: list[str]):
        """(paths, context, PDF footer) for each render of a format: participants' own formats print only
        public contacts; a take-home or reader gets a participant copy when contacts are kept back."""
        if fmt in PARTICIPANT_FORMATS:
            return [(rels, *self.contexts["participants"])]
        if fmt in PRINTS_CONTACTS and _keeps_contacts_back(self.plan):
            return [(rels, *self.contexts["facilitators"]), ([participant_copy(rel) for rel in rels], *self.contexts["participants"])]
        return [(rels, *self.contexts["facilitators"])]

    def render(self, session, executed) -> list:
        from .pdf import PdfJob

        jobs = []
        for fmt in self.formats:
            source = self.source(session) if fmt in SOURCE_FORMATS else executed  # as the build reads it (translated)
            for rels, context, footer in self.audiences(fmt, _format_outputs(fmt, session.id, self.pdf)):
                if not any(rel in self.stale for rel in rels):
                    continue
                resources = {"metadata": {"name": session.id, "path": str(session.notebook.parent)}, "dpskit": context}
                body, _ = self.exporters[fmt].from_notebook_node(source, resources)
                target = self.staging / rels[0]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(body, encoding="utf-8")
                self.result.rendered.append(rels[0])
                if len(rels) > 1:
                    html = body if fmt != "slides" else self._print_slides().from_notebook_node(source, resources)[0]
                    jobs.append(PdfJob(html=html, target=self.staging / rels[1], paper=self.plan.paper if self.plan else "letter",
                                       landscape=fmt == "slides", footer=footer))
                self.report(session.id, fmt)
        return jobs

    def _print_slides(self):
        if self.print_slides is None:
            self.print_slides = _exporter("SlidesPrintExporter", with_notes=self.plan.slide_notes_in_pdf if self.plan else True,
                                           **self.templates)
        return self.print_slides


def _footer(content: Content, plan) -> str:
    hotline = ((plan.contacts.get("legal_hotline") or "").strip() if plan else "") or "________"
    short = content.disclaimer.short if content.disclaimer else ""
    from .i18n import _

    return f"{short} {_('Legal hotline')}: {hotline}"


def _render_shared(content, selected, formats, pdf, stale, staging, plan, frame, result):
    """Pocket cards, the combined answer key, the printable materials and the agenda CSV."""
    from .before import render_run_sheet, render_samples
    from .cards import render_pocket_card, render_scenario_cards, render_timeline_cards
    from .daycheck_page import render_day_check
    from .deps import template_dirs
    from .defense_plan import render_defense_plan
    from .family_plan import render_family_plan
    from .index import render_answer_key
    from .pdf import PdfJob

    paper = plan.paper if plan else "letter"
    footer = _footer(content, plan)
    ids = [s.id for s in selected]

    def with_contacts(shown) -> dict:  # the shared pages that print the workshop's contacts, as `shown` gives them
        return {POCKET_CARD: lambda: render_pocket_card(content, shown.contacts if shown else None, paper, other=_card_back(content, shown)),
                DEFENSE_PLAN: lambda: render_defense_plan(content, shown, paper),
                FAMILY_PLAN: lambda: render_family_plan(content, shown, paper)}

    makers = {
        **with_contacts(plan),
        "guide/answer-key": lambda: render_answer_key(content, selected),
        "materials/scenario-cards": lambda: render_scenario_cards(content, ids, paper),
        "materials/timeline-cards": lambda: render_timeline_cards(content, paper),
        "materials/sample-warrants": lambda: render_samples(content, "warrants", paper),
        "materials/sample-subpoena": lambda: render_samples(content, "subpoena", paper),
        DAY_CHECK: lambda: render_day_check(content, plan, template_dirs=template_dirs(content.root)),
    }
    if plan is not None:
        makers[RUN_SHEET] = lambda: render_run_sheet(content, plan, frame, paper)
    if _keeps_contacts_back(plan):
        makers.update({participant_copy(rel): make for rel, make in with_contacts(_for_participants(plan)).items()})
    jobs = []
    for rel, make in makers.items():
        if f"{rel}.html" not in stale and f"{rel}.pdf" not in stale:
            continue
        html = make()
        (staging / rel).parent.mkdir(parents=True, exist_ok=True)
        (staging / f"{rel}.html").write_text(html, encoding="utf-8")
        result.rendered.append(f"{rel}.html")
        if f"{rel}.pdf" in stale:
            own_layout = not rel.startswith("guide/")  # cards, samples and the run sheet bring their own page layout
            jobs.append(PdfJob(html, staging / f"{rel}.pdf", paper=paper, footer="" if own_layout else footer,
                               with_page_numbers=not own_layout, margins=not own_layout))
    if f"{DAY_CHECK}.ipynb" in stale:
        from .daycheck_page import facilitator_notebook

        (staging / DAY_CHECK).parent.mkdir(parents=True, exist_ok=True)
        (staging / f"{DAY_CHECK}.ipynb").write_text(facilitator_notebook(content, plan), encoding="utf-8")
        result.rendered.append(f"{DAY_CHECK}.ipynb")
    if frame is not None and "agenda.csv" in stale:
        frame.drop(columns=["session_id"]).to_csv(staging / "agenda.csv", index=False)
        result.rendered.append("agenda.csv")
    return jobs


def _card_back(content, plan):
    """The content in the second language of a bilingual pocket card, or None for a single-language card."""
    if plan is None or plan.pocket_card != "bilingual":
        return None
    from .cards import second_language
    from .i18n import language

    return load_valid_content(content.root, language=second_language(language()), required=())  # its data only


def _page_counts(folder: Path, rels) -> dict[str, int]:
    from .packs import pdf_pages

    return {rel: pdf_pages(folder / rel) for rel in rels if rel.endswith(".pdf") and (folder / rel).is_file()}


def _print_rows(selected, folder: Path, wanted, plan):
    from .packs import print_plan

    return print_plan(selected, _page_counts(folder, wanted), plan.participants if plan else None, wanted)


def _render_landing(content, selected, wanted, stale, staging, plan, frame, timing, result):
    """The index and the before-the-day page, written last: they show every PDF's page count."""
    from .before import pages_with_blanks, render_before_the_day
    from .index import render_index

    pages = _page_counts(staging, wanted)
    rows = _print_rows(selected, staging, wanted, plan) if plan else []
    written = {}
    if BEFORE_THE_DAY in stale:
        htmls = {rel: (staging / rel).read_text(encoding="utf-8") for rel in wanted
                 if rel.endswith(".html") and rel not in (BEFORE_THE_DAY, "index.html") and not rel.startswith(FOR_PARTICIPANTS)}
        written[BEFORE_THE_DAY] = render_before_the_day(content, selected, plan, wanted, rows, pages_with_blanks(htmls))
    if "index.html" in stale:
        written["index.html"] = render_index(
            content, selected, wanted, pages=pages, plan=plan, frame=frame, warnings=timing, plan_rows=rows,
            participant_pack=participant_dir(result.out).name if plan else None)
    for rel, html in written.items():
        (staging / rel).write_text(html, encoding="utf-8")
        result.rendered.append(rel)


def _participant_pack(content, selected, out: Path, wanted, plan, frame, key: str) -> Path:
    """The pack to hand out: an allowlisted copy of the facilitator pack (packs.py), its own
    index and the data its notebooks need; swapped into place like the facilitator pack."""
    from .index import render_index
    from .packs import participant_files, write_participant_pack

    target = participant_dir(out)
    names = participant_files([s.id for s in selected], wanted)
    pages = {names[rel]: n for rel, n in _page_counts(out, names).items()}
    index = render_index(content, selected, set(names.values()), pages=pages, participant=True, plan=plan, frame=frame)
    staging = staging_folder(target)
    try:
        write_participant_pack(out, staging, names, index_html=index,
                               write_data=lambda folder: _write_notebook_content(content, selected, ["notebook"], folder))
        files = {rel: fingerprint(staging / rel) for rel in files_of(staging)}
        (staging / MANIFEST).write_text(json.dumps({"key": key, "from": out.name, "files": files}, indent=1))
        replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _write_notebook_content(content: Content, selected, formats, staging: Path) -> None:
    """The curriculum.yml and data/ the pack's notebooks need to run from the pack alone."""
    from .packdata import write_pack_data

    fmt = "notebook" if "notebook" in formats else "facilitator-notebook"
    write_pack_data(content, [s.id for s in selected], staging,
                    notebooks={s.id: output_path(fmt, s.id).as_posix() for s in selected},
                    participant=not {"guide", "facilitator-notebook"} & set(formats))
