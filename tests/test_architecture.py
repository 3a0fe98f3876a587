"""The layers of ``cleaning/`` import one way, and docs/architecture.md matches the tree.

Imports are read from the source (an AST scan of every module, the imports
inside functions included), so a lazy import that crosses a layer is caught
as surely as one at the top of a module.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cleaning.page.stages import PAGE_STAGES
from tests.helpers import REPO

ARCHITECTURE = REPO / "docs" / "architecture.md"

#: What each layer must not import (the packages and their submodules): text
#: is ``str -> str`` without the HTML, Arrow or crawling stacks; page never
#: reaches up into batch.
FORBIDDEN = {
    "cleaning/text": ("cleaning.page", "cleaning.batch", "lxml", "pyarrow", "scrapy"),
    "cleaning/page": ("cleaning.batch",),
}


def imported_modules(source: str, package: str) -> set[str]:
    """Every module ``source`` (a module of ``package``) imports, relative imports resolved."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            # ``from cleaning import page`` imports the subpackage cleaning.page.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def package_of(path: Path) -> str:
    """``cleaning/text/repair.py`` -> ``cleaning.text``; a package's ``__init__`` is its own."""
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1])


def crosses(module: str, forbidden: tuple[str, ...]) -> bool:
    return any(module == f or module.startswith(f + ".") for f in forbidden)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_layer_imports_what_sits_above_it(layer: str) -> None:
    modules = sorted((REPO / layer).rglob("*.py"))
    assert modules, layer
    wrong = {
        f"{path.relative_to(REPO)} imports {module}"
        for path in modules
        for module in imported_modules(path.read_text(encoding="utf-8"), package_of(path))
        if crosses(module, FORBIDDEN[layer])
    }
    assert not wrong, sorted(wrong)


def test_the_import_scan_sees_imports_inside_functions_and_relative_ones() -> None:
    source = (
        "def f():\n    import lxml.html\n    from ..page import clean\n    from .. import batch\n"
    )
    found = imported_modules(source, "cleaning.text")
    assert {"lxml.html", "cleaning.page", "cleaning.page.clean", "cleaning.batch"} <= found
    assert all(crosses(m, FORBIDDEN["cleaning/text"]) for m in found - {"cleaning"})


def test_importing_the_text_layer_loads_no_html_arrow_or_scrapy() -> None:
    check = "import sys, cleaning.text; assert not {'pyarrow','lxml','scrapy'} & set(sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert result.returncode == 0, result.stderr


def named_paths(text: str) -> set[str]:
    """Every ``cleaning/...`` or ``crawler/...`` path the text names."""
    return {
        m.rstrip(".,:;)").rstrip("/")
        for m in re.findall(r"(?<![\w./-])(?:cleaning|crawler)/[\w./-]*", text)
    }


def test_every_path_the_architecture_names_exists() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    paths = named_paths(text)
    assert len(paths) >= 40, "the map names the modules it describes"
    # A module may be named without its suffix when it is a package or a file.
    missing = sorted(
        p for p in paths if not (REPO / p).exists() and not (REPO / f"{p}.py").exists()
    )
    assert not missing, missing


def test_the_architecture_lists_the_page_stages_in_their_order() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| `(\w+)` \|", text, re.MULTILINE)
    assert [name for _, name in rows] == [name for name, _ in PAGE_STAGES]
    assert [int(n) for n, _ in rows] == list(range(1, len(PAGE_STAGES) + 1))


def test_every_doc_the_architecture_points_to_exists() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    docs = set(re.findall(r"`((?:docs/)?[\w-]+\.md)`", text))
    assert "README.md" in docs and "docs/dataset.md" in docs
    assert all((REPO / d).is_file() for d in docs), sorted(
        d for d in docs if not (REPO / d).is_file()
    )
    # And every doc of docs/ is pointed to from the map.
    assert {f"docs/{p.name}" for p in (REPO / "docs").glob("*.md")} - {
        "docs/architecture.md"
    } <= docs


def test_the_readme_links_the_map_and_lists_every_make_target() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "(docs/architecture.md)" in readme.split("## ")[0], "linked before the first section"
    targets = re.findall(r"^## ([\w-]+):", (REPO / "Makefile").read_text(encoding="utf-8"), re.M)
    assert {"test", "test-fast", "typecheck", "check", "eval"} <= set(targets)
    listed = set(re.findall(r"^\| `make ([\w-]+)` \|", readme, re.MULTILINE))
    assert set(targets) <= listed, sorted(set(targets) - listed)
