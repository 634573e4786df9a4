"""docs/rules.md is generated from the rule records, and every rule URL resolves to one of its sections."""

from __future__ import annotations

import re

from conftest import ROOT

from cnnlint.rules import DOCS_URL, RULES
from cnnlint.rules_doc import DOCS_PATH, REGENERATE, render_markdown


def _github_slugs(markdown: str) -> set[str]:
    """Anchors GitHub gives headings outside code fences: lowercase, punctuation but - and _ dropped."""
    slugs: set[str] = set()
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            text = line.lstrip("#").strip().lower()
            slugs.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return slugs


def test_docs_rules_md_is_up_to_date():
    written = (ROOT / DOCS_PATH).read_text(encoding="utf-8")
    assert written == render_markdown(), f"docs/rules.md is stale: run `{REGENERATE}`"


def test_every_rule_url_points_at_a_section_of_the_file_in_this_repository():
    assert DOCS_URL.endswith("/" + DOCS_PATH)
    slugs = _github_slugs((ROOT / DOCS_PATH).read_text(encoding="utf-8"))
    for rule in RULES.values():
        base, _, fragment = rule.url.partition("#")
        assert base == DOCS_URL
        assert fragment in slugs, rule.code


def test_a_new_rule_is_documented_without_touching_the_generator(monkeypatch):
    from cnnlint.rules import Rule

    monkeypatch.setitem(RULES, "CNL013", Rule("CNL013", "new-rule", "error", "something new"))
    text = render_markdown()
    assert "## CNL013 new-rule" in text and "[CNL013](#cnl013-new-rule)" in text
