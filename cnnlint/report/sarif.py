"""``--output-format sarif``: a SARIF 2.1.0 log for GitHub code scanning.

One run. ``tool.driver`` lists every rule of ``rules.RULES`` (id, name,
short and full description, ``helpUri``, ``help`` as text and markdown built
from the rule's documentation, ``defaultConfiguration.level``), so a rule
that found nothing still has its page. Each result carries ``ruleId``,
``ruleIndex``, ``level`` (error / warning / note), ``message.text`` and one
location: ``artifactLocation.uri`` is the file's POSIX path relative to
``root`` (the repository, or config, root) with ``uriBaseId: "%SRCROOT%"``
— GitHub wants repository-relative paths — and a 1-based ``region`` whose
``endColumn`` is one past the last character, as SARIF defines it. A
diagnostic with a fix carries it as a SARIF ``fix``.

``partialFingerprints`` are left out on purpose: GitHub's ``upload-sarif``
action computes them from the checked-out sources when they are missing,
which tracks an alert across edits better than anything we could hash
without the source text.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import quote

import cnnlint
from cnnlint import rules
from cnnlint.diagnostics import Diagnostic, Fix, Location
from cnnlint.report.common import (
    SARIF_LEVEL,
    absolute_path,
    json_region,
    posix,
    relative_to,
    severity,
    sort_diagnostics,
)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/cnnlint/cnnlint"
SRCROOT = "%SRCROOT%"

_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}


def rule_text(rule: rules.Rule) -> str:
    """A rule's documentation as plain text (ruff's sections)."""
    parts = [f"{rule.code} ({rule.name}): {rule.summary}"]
    if rule.why:
        parts.append("Why is this bad?\n" + rule.why.strip())
    if rule.example:
        parts.append("Example:\n" + rule.example.strip("\n"))
    if rule.use_instead:
        parts.append("Use instead:\n" + rule.use_instead.strip("\n"))
    if rule.fix_safety:
        parts.append("Fix safety: " + rule.fix_safety.strip())
    return "\n\n".join(parts)


def rule_markdown(rule: rules.Rule) -> str:
    """A rule's documentation as markdown: ``rules.render_rule`` (what ``cnnlint rule`` prints)."""
    render_rule = getattr(rules, "render_rule", None)
    if render_rule is not None:
        return render_rule(rule).rstrip("\n") + f"\n\n[Documentation]({rule.url})"
    parts = [f"## {rule.name} ({rule.code})", "### What it does\n" + rule.summary]
    if rule.why:
        parts.append("### Why is this bad?\n" + rule.why.strip())
    if rule.example:
        parts.append("### Example\n```python\n" + rule.example.strip("\n") + "\n```")
    if rule.use_instead:
        parts.append("### Use instead\n```python\n" + rule.use_instead.strip("\n") + "\n```")
    if rule.fix_safety:
        parts.append("### Fix safety\n" + rule.fix_safety.strip())
    parts.append(f"[Documentation]({rule.url})")
    return "\n\n".join(parts)


def rule_descriptor(rule: rules.Rule) -> dict:
    full = rule.summary if not rule.why else f"{rule.summary}. {rule.why.strip()}"
    level = SARIF_LEVEL.get(rule.severity, "error")
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "helpUri": rule.url,
        "help": {"text": rule_text(rule), "markdown": rule_markdown(rule)},
        "defaultConfiguration": {"level": level},
        "properties": {
            "tags": ["correctness", "pytorch"],
            "precision": "very-high",
            "problem.severity": _PROBLEM_SEVERITY.get(rule.severity, "error"),
        },
    }


def _artifact_location(filename: str, root: str, cwd: str) -> dict:
    rel = relative_to(filename, root, cwd=cwd)
    if rel is not None:
        return {"uri": quote(posix(rel), safe="/"), "uriBaseId": SRCROOT}
    return {"uri": Path(absolute_path(filename, cwd)).as_uri()}


def _region(start: Location, end: Location) -> dict:
    return {"startLine": start.row, "startColumn": start.column, "endLine": end.row, "endColumn": end.column}


def _fix(fix: Fix, artifact: dict) -> dict:
    replacements = [
        {"deletedRegion": _region(e.location, e.end_location), "insertedContent": {"text": e.content}}
        for e in fix.edits
    ]
    return {
        "description": {"text": fix.message},
        "artifactChanges": [{"artifactLocation": dict(artifact), "replacements": replacements}],
    }


def result(
    diagnostic: Diagnostic,
    *,
    root: os.PathLike | str | None = None,
    cwd: os.PathLike | str | None = None,
    rule_index: dict | None = None,
) -> dict:
    """One SARIF result; a relative filename is taken relative to ``cwd`` (default: the current directory)."""
    d = diagnostic
    index = rule_index if rule_index is not None else {code: i for i, code in enumerate(rules.RULES)}
    cwd_dir = absolute_path(os.fspath(cwd)) if cwd is not None else os.getcwd()
    root_dir = absolute_path(os.fspath(root), cwd_dir) if root is not None else cwd_dir
    artifact = _artifact_location(d.filename, root_dir, cwd_dir)
    out: dict = {"ruleId": d.code}
    if d.code in index:
        out["ruleIndex"] = index[d.code]
    out["level"] = SARIF_LEVEL.get(severity(d), "error")
    out["message"] = {"text": d.message}
    physical: dict = {"artifactLocation": artifact, "region": _region(d.location, d.end_location)}
    if "cell" in d.extra:  # a notebook: where the .ipynb file holds it; the cell position as properties
        start, end = json_region(d)
        physical["region"] = _region(Location(*start), Location(*end))
        physical["properties"] = {"cell": d.extra["cell"], "row": d.location.row, "column": d.location.column}
    out["locations"] = [{"physicalLocation": physical}]
    if d.fix is not None and d.fix.edits and "cell" not in d.extra:
        out["fixes"] = [_fix(d.fix, artifact)]
    return out


def log(
    diagnostics: Iterable[Diagnostic],
    *,
    root: os.PathLike | str | None = None,
    cwd: os.PathLike | str | None = None,
) -> dict:
    """The SARIF log as a dict: URIs relative to ``root`` (default: ``cwd``, else the current directory)."""
    cwd_dir = absolute_path(os.fspath(cwd)) if cwd is not None else os.getcwd()
    root_dir = absolute_path(os.fspath(root), cwd_dir) if root is not None else cwd_dir
    rule_list = list(rules.RULES.values())
    index = {rule.code: i for i, rule in enumerate(rule_list)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cnnlint",
                        "version": cnnlint.__version__,
                        "semanticVersion": cnnlint.__version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(rule) for rule in rule_list],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": Path(root_dir).as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": [
                    result(d, root=root_dir, cwd=cwd_dir, rule_index=index) for d in sort_diagnostics(diagnostics)
                ],
            }
        ],
    }


def render(
    diagnostics: Iterable[Diagnostic],
    *,
    root: os.PathLike | str | None = None,
    cwd: os.PathLike | str | None = None,
    fixed: int | Sequence[Diagnostic] = 0,
) -> str:
    """The SARIF log as JSON text, indented by 2, newline-terminated.

    ``root`` is the directory result URIs are relative to (the repository or
    config root; default: ``cwd``, else the current directory).
    """
    return json.dumps(log(diagnostics, root=root, cwd=cwd), indent=2, ensure_ascii=False) + "\n"
