"""Exports carry nothing about the machine that built them."""

import getpass
import os
import socket
from pathlib import Path

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, List, Unicode

from ..i18n import _


class PrivacyPreprocessor(Preprocessor):
    """Drop execution counts, timings and kernel details; blank out home and build paths,
    the user name and the host name wherever an output mentions them."""

    enabled = Bool(True).tag(config=True)
    keep_metadata = List(Unicode(), ["dpskit", "kernelspec", "language_info", "title", "authors"],
                         help="notebook metadata keys kept in exports").tag(config=True)

    def preprocess(self, nb, resources):
        nb.metadata = {k: v for k, v in nb.metadata.items() if k in self.keep_metadata}
        if "language_info" in nb.metadata:
            nb.metadata["language_info"] = {"name": nb.metadata["language_info"].get("name", "python")}
        paths, names = self._replacements(resources)
        for cell in nb.cells:
            cell.metadata.pop("execution", None)
            if cell.cell_type != "code":
                continue
            cell.execution_count = None
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = None
                _scrub(output, paths)
                if output.get("output_type") in ("error", "stream"):  # names only where logs echo them
                    _scrub(output, names)
        return nb, resources

    @staticmethod
    def _replacements(resources):
        """(paths, names): folder paths are scrubbed everywhere, user and host names only in logs."""
        paths = set()
        for path in {resources.get("metadata", {}).get("path") or "", os.getcwd(), str(Path.home())}:
            if path and len(path) > 1:
                paths |= {(str(Path(path).resolve()), _("<folder>")), (path, _("<folder>"))}
        names = {(word, _("<redacted>")) for word in {getpass.getuser(), socket.gethostname()} if word and len(word) > 2}
        by_length = lambda pair: -len(pair[0])  # noqa: E731 - longest first, so nested paths go whole
        return sorted(paths, key=by_length), sorted(names, key=by_length)


def _scrub(node, replacements):
    """Replace in place every occurrence inside the strings of an output."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in list(items):
        if isinstance(value, str):
            for old, new in replacements:
                value = value.replace(old, new)
            node[key] = value
        elif isinstance(value, (dict, list)):
            _scrub(value, replacements)
