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

    def measured(jobs):
        found = [pdf.render_measured(job, strict=strict) for job in jobs]
        for job, fit in zip(jobs, found):
            fits[fit.name] = fit
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."))
    parser.add_argument("--languages", nargs="*", default=list(LANGUAGES))
    parser.add_argument("--papers", nargs="*", default=list(PAPERS))
    parser.add_argument("--contacts", nargs="*", default=list(CONTACTS))
    args = parser.parse_args(argv)
    rows, problems = [], 0
    with tempfile.TemporaryDirectory(prefix="dpskit-fit-") as tmp:
        folder = Path(tmp)
        for language in args.languages:
            for paper in args.papers:
                for contacts in args.contacts:
                    for card in ("single", "bilingual"):
                        workshop = workshop_file(folder, args.root.resolve(), language, paper, contacts, card)
                        formats = None if card == "single" else ["takehome"]  # the bilingual run is for its card
                        _, fits = build_measured(args.root.resolve(), workshop, folder / workshop.stem, formats=formats)
                        for name, fit in sorted(fits.items()):
                            if card == "bilingual" and name != "cards/pocket-card.pdf":
                                continue
                            label = kind(name) + (" (bilingual)" if card == "bilingual" else "")
                            rows.append((label, language, paper, contacts, fit))
                            problems += len(fit.problems)
    print("| document | lang | paper | contacts | pages (max) | smallest pt | clipped |")
    print("|---|---|---|---|---|---|---|")
    for label, language, paper, contacts, fit in rows:
        pages = f"{fit.pages} ({fit.max_pages})" if fit.max_pages else str(fit.pages)
        print(f"| {label} | {language} | {paper} | {contacts} | {pages} | {fit.smallest_pt:g} | {len(fit.clipped)} |")
    for label, language, paper, contacts, fit in rows:
        for problem in fit.problems:
            print(f"PROBLEM {language} {paper} {contacts}: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
