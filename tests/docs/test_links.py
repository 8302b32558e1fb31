"""Every link in the project's documents leads somewhere: a file of the repository, a heading."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", ROOT / "SECURITY.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def slugs(document: Path) -> set[str]:
    """The anchors GitHub gives a document's headings (lower case, punctuation dropped)."""
    headings = re.findall(r"^#+ (.+)$", document.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def broken_links(document: Path) -> list[str]:
    broken = []
    for target in LINK.findall(document.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):
            continue  # https:, mailto: - not ours to check offline
        path, _, anchor = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        if not linked.is_file():
            broken.append(f"{target} (no such file)")
        elif anchor and linked.suffix == ".md" and anchor not in slugs(linked):
            broken.append(f"{target} (no such heading)")
    return broken


def test_every_link_in_the_documents_leads_somewhere() -> None:
    assert [d.name for d in DOCUMENTS][:2] == ["README.md", "SECURITY.md"]
    found = {d.relative_to(ROOT).as_posix(): broken_links(d) for d in DOCUMENTS}
    assert {name: links for name, links in found.items() if links} == {}
