"""``docs/rules.md``: every rule's documentation, generated from the records in ``cnnlint.rules``.

Each rule is a ``## CODE name`` section, so its GitHub anchor is
``#code-name`` (lowercase), the fragment of ``Rule.url`` — the JSON ``url``,
SARIF ``helpUri`` and LSP ``codeDescription`` all resolve to it. The file is
written by ``cnnlint rule --all --output-format markdown > docs/rules.md`` and
a test fails when it differs from what the records give, so a rule added to
``rules.py`` is documented as soon as the file is regenerated.
"""

from __future__ import annotations

import re

from cnnlint.rules import RULES, Rule

DOCS_PATH = "docs/rules.md"
REGENERATE = "cnnlint rule --all --output-format markdown > docs/rules.md"


def anchor(rule: Rule) -> str:
    """GitHub's slug of the section heading ``CODE name``: lowercase, spaces to ``-``, other punctuation dropped."""
    heading = f"{rule.code} {rule.name}".lower()
    return re.sub(r"[^\w\- ]", "", heading).replace(" ", "-")


def _section(rule: Rule) -> list[str]:
    out = [f"## {rule.code} {rule.name}", "", f"Severity: **{rule.severity}**", ""]
    out += ["### What it does", "", rule.summary[0].upper() + rule.summary[1:] + "."]
    if rule.why:
        out += ["", "### Why is this bad?", "", rule.why]
    if rule.example:
        out += ["", "### Example", "", "```python", rule.example.strip("\n"), "```"]
    if rule.use_instead:
        body = rule.use_instead.strip("\n")
        out += ["", "### Use instead", ""]
        out += ["```python", body, "```"] if "\n" in body or body.startswith(("net", "features")) else [body]
    out += ["", "### Fix safety", "", rule.fix_safety.strip(), ""]
    return out


def render_markdown() -> str:
    """The whole of ``docs/rules.md``."""
    out = [
        "# cnnlint rules",
        "",
        f"<!-- Generated from cnnlint/rules.py by `{REGENERATE}`; do not edit by hand. -->",
        "",
        "| code | name | severity | fires when |",
        "|---|---|---|---|",
    ]
    for rule in RULES.values():
        out.append(f"| [{rule.code}](#{anchor(rule)}) | {rule.name} | {rule.severity} | {rule.summary} |")
    out.append("")
    for rule in RULES.values():
        out += _section(rule)
    return "\n".join(out)
