"""The analysis package is one installable package with one import root, ``innochain``.

* every module imports its siblings relatively or as ``innochain.*`` (never ``analysis.*``), and
  no module uses another module's private (underscore) names;
* ``pip install --no-build-isolation --no-index ./analysis`` works offline into a virtual
  environment that sees Debian's packages, and the installed package (with the validation
  subpackage) imports from anywhere.
"""

from __future__ import annotations

import ast
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

ANALYSIS = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ANALYSIS / "innochain"
MODULES = sorted(PACKAGE.rglob("*.py"))


def _imports(path: pathlib.Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            yield node.module or "", node.level, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, 0, []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ANALYSIS)))
def test_one_import_root_and_no_private_cross_module_imports(path):
    sibling_modules = {p.stem for p in PACKAGE.glob("*.py")} | {"validation"}
    for module, level, names in _imports(path):
        assert not module.startswith("analysis"), f"{path.name} imports {module}: the import root is innochain"
        internal = level > 0 or module == "innochain" or module.startswith("innochain.")
        if internal:
            private = [n for n in names if n.startswith("_") and n != "__version__"]
            assert not private, f"{path.name} imports private names {private} from {module or '.'}"
    # Private attributes of sibling modules (e.g. reader._open) are not used either.
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in sibling_modules and node.attr.startswith("_")):
            pytest.fail(f"{path.name}:{node.lineno} uses {node.value.id}.{node.attr}, a private name")


@pytest.mark.skipif(os.environ.get("INNOCHAIN_TEST_PIP_INSTALL") != "1",
                    reason="slow (a package build): ctest runs it as analysis_pip_install")
def test_pip_installs_the_package_offline(tmp_path):
    """One distribution: built from a copy of analysis/ (pip builds in the source tree) with
    Debian's setuptools, installed without an index, imported from outside the repository."""
    try:
        import venv  # noqa: F401
        import setuptools  # noqa: F401
    except ImportError as e:  # pragma: no cover - scripts/install-deps.sh installs both
        pytest.skip(f"python3-venv / python3-setuptools missing: {e}")
    source = tmp_path / "analysis"
    shutil.copytree(ANALYSIS, source, ignore=shutil.ignore_patterns("__pycache__", "tests", "*.egg-info", "build"))
    env_dir = tmp_path / "venv"
    # Without pip of its own (ensurepip is slow): Debian's pip installs into it with --python.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(env_dir)],
                   check=True, timeout=300)
    python = env_dir / "bin" / "python"
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                           "--no-build-isolation", "--no-index", str(source)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    check = ("import innochain, innochain.validation.targets, innochain.report as r; "
             "print(innochain.__file__); print(callable(r.main))")
    proc = subprocess.run([str(python), "-c", check], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    location, has_main = proc.stdout.split()
    assert str(env_dir) in location and has_main == "True"
    assert (env_dir / "bin" / "innochain-report").exists()
