"""Does every printed thing fit? `python -m dpskit.fitreport` builds the workshop pack with every
session in each language, paper size and with blank and long real contacts, and prints one row per
PDF: its pages (and the most a fixed-page document may have), its smallest text and what would be
cut off, as WeasyPrint laid it out. A normal build stops at the first problem; this shows them all."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from ruamel.yaml import YAML

LANGUAGES = ("en", "es")
PAPERS = ("letter", "a4")
# Long real values: accents, apostrophes, "&", a hotline on three lines.
LONG_CONTACTS = {
    "legal_hotline": "Línea de Defensa Legal — Coalición d'Acción Popular & NLG: (555) 010-2345 / (555) 010-6789 "
                     "(24 h, English & Español)",
    "nlg_chapter": "National Lawyers Guild — Bay Area & Central Coast Chapter\n(555) 010-4400, intake line\nMon–Fri 9–5",
    "jail_support": "Apoyo Carcelario O'Connor-Núñez & Friends: (555) 010-7788",
    "lawyer": "Mª José O'Brien-Ramírez, Esq. — Defensa Penal & Inmigración: (555) 010-9911",
    "chapter": "Comité d'Organización Popular & Solidaridad (CDOPS): (555) 010-3030",
    "immigration": "Red de Respuesta Rápida — Comunidades Unidas & ICE Watch: (555) 010-1212 (24 h)",
}
CONTACTS = {"blank": {}, "long": LONG_CONTACTS}


def workshop_file(folder: Path, root: Path, language: str, paper: str, contacts: str, pocket_card: str = "single") -> Path:
    """A workshop.yml with every session of the curriculum, in `language` on `paper`."""
    from .content import load_content

    content, _ = load_content(root, notebooks=False)
    data = {"title": f"Fit {language} {paper} {contacts} {pocket_card}", "date": "2026-12-05", "start": "09:00",
            "sessions": [s.id for s in content.sessions], "language": language, "paper": paper,
            "pocket_card": pocket_card, "participants": 16, "contacts": dict(CONTACTS[contacts])}
    path = folder / f"workshop-{language}-{paper}-{contacts}-{pocket_card}.yml"
    with path.open("w", encoding="utf-8") as stream:
        YAML().dump(data, stream)
    return path


def build_measured(root: Path, workshop: Path, out: Path, *, formats=None, strict: bool = False):
    """Build the pack with PDFs and return (result, {pdf path in the pack: Fit}): each PDF measured
    where it was rendered. Not strict: everything is rendered and reported, nothing stops the build."""
    from . import pdf
    from .build import build

    fits: dict[str, pdf.Fit] = {}
    original = pdf.render_pdfs

    def measured(jobs, on_done=None, cache=None):  # every PDF rendered and measured (none from the cache), on every core
        found = original(jobs, on_done, strict=strict)
        fits.update((fit.name, fit) for fit in found)
        return found

    pdf.render_pdfs = measured
    try:
        result = build(root, out, workshop=workshop, formats=formats, pdf=True, use_cache=True)
    finally:
        pdf.render_pdfs = original
    return result, fits


def kind(name: str) -> str:
    for suffix, label in ((".takehome.pdf", "take-home"), (".handout.pdf", "reader"), (".guide.pdf", "guide"),
                          (".slides.pdf", "backup slides")):
        if name.endswith(suffix):
            return f"{label} {name.split('/')[-1].split('-')[0]}"
    return name.split("/")[-1].removesuffix(".pdf")


def bilingual_card(root: Path, language: str, paper: str, contacts: str, folder: Path):
    """The bilingual pocket card (workshop.yml `pocket_card: bilingual`), measured the way the build renders it."""
    from .cards import render_pocket_card, second_language
    from .content import load_valid_content
    from .i18n import using
    from .pdf import PdfJob, render_measured

    with using(language):
        content = load_valid_content(root, language=language)
        other = load_valid_content(root, language=second_language(language))
        html = render_pocket_card(content, CONTACTS[contacts], paper, other=other)
        return render_measured(PdfJob(html, folder / "cards" / "pocket-card.pdf", paper=paper, with_page_numbers=False,
                                      margins=False), strict=False)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--languages", nargs="*", default=list(LANGUAGES))
    parser.add_argument("--papers", nargs="*", default=list(PAPERS))
    parser.add_argument("--contacts", nargs="*", default=list(CONTACTS))
    parser.add_argument("--formats", nargs="*", default=None,
                        help="session formats to build (default: all; `takehome` alone still builds every shared material)")
    args = parser.parse_args(argv)
    root, problems = args.root.resolve(), []
    print("| document | lang | paper | contacts | pages (max) | smallest pt | clipped |")
    print("|---|---|---|---|---|---|---|", flush=True)
    with tempfile.TemporaryDirectory(prefix="dpskit-fit-") as tmp:
        folder = Path(tmp)
        for language in args.languages:
            for paper in args.papers:
                for contacts in args.contacts:
                    workshop = workshop_file(folder, root, language, paper, contacts)
                    _, fits = build_measured(root, workshop, folder / workshop.stem, formats=args.formats)
                    rows = [(kind(name), fit) for name, fit in sorted(fits.items())]
                    rows.append(("pocket-card (bilingual)", bilingual_card(root, language, paper, contacts, folder / f"{workshop.stem}-bi")))
                    for label, fit in rows:
                        pages = f"{fit.pages} ({fit.max_pages})" if fit.max_pages else str(fit.pages)
                        print(f"| {label} | {language} | {paper} | {contacts} | {pages} | {fit.smallest_pt:g} | {len(fit.clipped)} |",
                              flush=True)
                        problems += [f"{language} {paper} {contacts}: {problem}" for problem in fit.problems]
    for problem in problems:
        print(f"PROBLEM {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
