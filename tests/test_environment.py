"""environment.yml (the conda route in the README) installs what pyproject.toml asks for, with the same bounds."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names where they differ from PyPI's: the library without the Qt/Tk GUI back-ends.
CONDA_NAMES = {"matplotlib": "matplotlib-base"}


def _pyproject_requirements() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"] + [line for extra in project["optional-dependencies"].values() for line in extra]
    return {Requirement(line).name.lower(): Requirement(line) for line in lines}


def _environment_requirements() -> dict[str, Requirement]:
    environment = YAML(typ="safe").load((ROOT / "environment.yml").read_text())
    specs = []
    for entry in environment["dependencies"]:
        specs.extend(line for line in entry["pip"] if not line.startswith("-")) if isinstance(entry, dict) else specs.append(entry)
    # conda's "name=1.2" pins a version as pip's "name==1.2" does
    requirements = [Requirement(re.sub(r"^([\w.-]+)=(?=[^=])", r"\1==", spec)) for spec in specs]
    return {requirement.name.lower(): requirement for requirement in requirements}


def test_every_pyproject_requirement_is_in_environment_yml_with_the_same_bounds():
    conda = _environment_requirements()
    missing, drifted = [], []
    for name, requirement in _pyproject_requirements().items():
        found = conda.get(CONDA_NAMES.get(name, name))
        if found is None:
            missing.append(str(requirement))
        elif found.specifier != requirement.specifier:
            drifted.append(f"{requirement} (environment.yml: {found})")
    assert not missing, f"environment.yml lacks: {', '.join(missing)}"
    assert not drifted, f"environment.yml's bounds differ: {'; '.join(drifted)}"


def test_the_drift_check_can_fail(monkeypatch):
    """A requirement added to pyproject.toml only is reported."""
    real = _pyproject_requirements()
    monkeypatch.setattr(f"{__name__}._pyproject_requirements", lambda: {**real, "left-out": Requirement("left-out>=1")})
    try:
        test_every_pyproject_requirement_is_in_environment_yml_with_the_same_bounds()
    except AssertionError as error:
        assert "left-out>=1" in str(error)
    else:
        raise AssertionError("a requirement missing from environment.yml was not reported")
