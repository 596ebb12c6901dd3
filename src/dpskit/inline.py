"""Run a session's one-line dpskit calls in the build's own process, without a kernel.

A session cell is one line like `quiz("02-silence-is-enough")`. Starting a kernel to call it
costs more than the call, so the build calls the very same function here and formats what it
displays with IPython's own display formatter, the one a kernel uses: the outputs are the ones
a kernel gives (tests/test_inline.py compares the exports byte for byte). A notebook with any
other code (a cell that computes) is left to a real kernel, as are participants' notebooks.
"""

from __future__ import annotations

import ast
import json
from typing import Any

import nbformat

IMPORT_LINE = "from dpskit.notebook import *"


def _literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool, type(None)))


def dpskit_call(source: str) -> tuple[str, list[Any], dict[str, Any]] | None:
    """(name, args, kwargs) when a cell is nothing but one dpskit call with literal arguments."""
    from .notebook import __all__ as calls

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in calls):
        return None
    if not all(_literal(a) for a in call.args) or not all(k.arg and _literal(k.value) for k in call.keywords):
        return None
    return call.func.id, [a.value for a in call.args], {k.arg: k.value.value for k in call.keywords}


def _is_import(source: str) -> bool:
    return source.strip() == IMPORT_LINE


def can_run_inline(nb: nbformat.NotebookNode) -> bool:
    """True when every code cell is empty, the dpskit import, or one dpskit call."""
    return all(
        not cell.source.strip() or _is_import(cell.source) or dpskit_call(cell.source) is not None
        for cell in nb.cells if cell.cell_type == "code"
    )


def _output(output_type: str, obj: Any, formatter, **fields: Any) -> nbformat.NotebookNode | None:
    data, metadata = formatter.format(obj)
    if not data:
        return None
    # what a kernel's message carries is JSON: tuples become lists, keys strings
    data, metadata = json.loads(json.dumps(data)), json.loads(json.dumps(metadata))
    return nbformat.v4.new_output(output_type, data=data, metadata=metadata, **fields)


def execute_inline(nb: nbformat.NotebookNode, data, *, session_id: str) -> nbformat.NotebookNode:
    """Fill the outputs of a notebook that `can_run_inline`, reading content from `data`
    (a Content, or a deps.Recorder that notes what is read)."""
    from IPython.core.formatters import DisplayFormatter
    from ipywidgets.widgets.widget import _instances as widgets

    from . import notebook
    from .execute import SessionExecutionError

    formatter = DisplayFormatter()
    before = set(widgets)
    count = 0
    try:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            count += 1
            cell.execution_count, cell.outputs = count, []
            call = dpskit_call(cell.source)
            if call is None:
                continue  # the import line: nothing to show
            name, args, kwargs = call
            with notebook.displayed_here(data) as shown:
                try:
                    result = getattr(notebook, name)(*args, **kwargs)
                except Exception as exc:
                    where = f"cell {index} (id {cell.get('id')}): {cell.source.strip()[:80]!r}"
                    raise SessionExecutionError(f"session {session_id}: {where} raised {type(exc).__name__}: {exc}") from None
                outputs = [_output("display_data", obj, formatter) for obj in shown]
                if result is not None:
                    outputs.append(_output("execute_result", result, formatter, execution_count=count))
            cell.outputs = [output for output in outputs if output is not None]
    finally:
        for model_id in set(widgets) - before:  # nobody will ever interact with these: free them
            widget = widgets.get(model_id)
            if widget is not None:
                widget.close()
    return nb
