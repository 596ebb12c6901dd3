"""Execute a session only when nobody has executed it yet in this build."""

from nbconvert.preprocessors import ExecutePreprocessor
from traitlets import Bool


class ExecuteOncePreprocessor(ExecutePreprocessor):
    """`dpskit build` executes each session once and passes the result to every exporter
    with `resources["dpskit"]["executed"]`; a plain `jupyter nbconvert --to dpskit-*` run on
    an output-free notebook executes here instead. Widget state is never stored, so pages
    fall back to the static interactive quiz (see the technical notes)."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        resources = resources or {}
        already = resources.get("dpskit", {}).get("executed") or any(
            cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"
        )
        if already:
            return nb, resources
        self.store_widget_state = False
        self.record_timing = False
        return super().preprocess(nb, resources, km=km)
