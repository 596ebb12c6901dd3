"""Turn `[@source-id]` citations into numbered references and collect every cited source."""

import re
from html import escape

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

from ..content import CITATION
from ..i18n import _
from ..render import QUIZ_MIMETYPE, SCENARIO_MIMETYPE, SOURCES_MIMETYPE


DOLLAR = re.compile(r"(?<!\\)\$")


def dollars_not_math(markdown: str) -> str:
    """Content has no math: every `$` is a dollar sign. Escaped, so that nbconvert's markdown (with
    its math plugin) never pairs "$75 million" with a `$` further on and prints raw markdown."""
    return DOLLAR.sub(r"\\$", markdown)


class CitationPreprocessor(Preprocessor):
    """Numbers citations in order of first use and lists them in `resources["dpskit"]["cited"]`.

    Reads the sources from `resources["dpskit"]["sources"]` (id -> Source). Sources that
    quizzes and scripts cite are listed too, after the numbered ones.
    """

    enabled = Bool(True).tag(config=True)
    link = Bool(True, help="link each number to the sources list (#source-<id>); off for slides").tag(config=True)
    append_sources_cell = Bool(False, help="add a markdown 'Sources' cell at the end (notebooks)").tag(config=True)
    anchor_prefix = Unicode("source-").tag(config=True)

    def preprocess(self, nb, resources):
        sources = resources["dpskit"]["sources"]
        numbers: dict[str, int] = {}

        def number(match):
            # Plain markdown, no inline HTML: nbconvert re-parses inline HTML (slowly) to embed images.
            source_id = match.group(1)
            n = numbers.setdefault(source_id, len(numbers) + 1)
            if not self.link:
                return f"\\[{n}\\]"
            title = (sources[source_id].title if source_id in sources else source_id).replace("\\", "").replace('"', '\\"')
            return f'[\\[{n}\\]](#{self.anchor_prefix}{source_id} "{title}")'

        others: list[str] = []
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = dollars_not_math(CITATION.sub(number, cell.source))
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                cited = [
                    *data.get(QUIZ_MIMETYPE, {}).get("sources", {}),
                    *data.get(SCENARIO_MIMETYPE, {}).get("sources", {}),
                    *data.get(SOURCES_MIMETYPE, {}).get("ids", []),
                ]
                others.extend(sid for sid in cited if sid not in numbers and sid not in others)
        ordered = sorted(numbers, key=numbers.get) + [sid for sid in others if sid not in numbers]
        resources["dpskit"]["cited"] = [
            {"number": numbers.get(sid), "anchor": f"{self.anchor_prefix}{sid}", "source": sources[sid]}
            for sid in ordered if sid in sources
        ]
        if self.append_sources_cell and ordered:
            nb.cells.append(self._sources_cell(resources["dpskit"]["cited"]))
        return nb, resources

    def _sources_cell(self, cited):
        lines = [f"## {_('Sources')}", ""]
        for entry in cited:
            source = entry["source"]
            label = f"[{entry['number']}] " if entry["number"] else ""
            lines.append(
                f'- <a id="{entry["anchor"]}"></a>{label}[{escape(source.title)}]({source.url}), '
                f"{escape(source.publisher)} ({_('reviewed')} {source.reviewed})"
            )
        return nbformat.v4.new_markdown_cell("\n".join(lines), metadata={"tags": ["dpskit-sources"]})
