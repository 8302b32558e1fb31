"""A newcomer reads why each module exists, and which layer each folder of the server is.

Every module of the three packages opens with a docstring; every sub-package of
``server/`` names its layer in the first words of its own, and the design page's
drawing shows it, so the page and the folders cannot drift apart.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("server", "padcom_cli", "padcom_tui")
MODULES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))
SERVER_LAYERS = sorted(p.parent for p in (ROOT / "server").glob("*/__init__.py"))


def _docstring(path: Path) -> str:
    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_says_why_it_exists(module: Path) -> None:
    assert _docstring(module).strip(), f"{module.relative_to(ROOT)} has no docstring"


@pytest.mark.parametrize("layer", SERVER_LAYERS, ids=lambda p: p.name)
def test_every_folder_of_the_server_names_its_layer(layer: Path) -> None:
    assert _docstring(layer / "__init__.py").startswith("Layer: "), (
        f"server/{layer.name}/__init__.py should begin with 'Layer: ...'"
    )


@pytest.mark.parametrize("layer", SERVER_LAYERS, ids=lambda p: p.name)
def test_the_design_page_draws_every_folder_of_the_server(layer: Path) -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert f"server/{layer.name}" in page, f"docs/architecture.md does not show server/{layer.name}"
