"""Rule metadata as data: the one registry of code -> name, severity, docs.

The same records feed ``cnnlint rule``, the README table, SARIF rule
descriptors, JSON ``url`` and the parametrised test that runs every VALID
and INVALID example through the whole pipeline (Fixit's pattern). In an
INVALID example, the line that must be reported ends with ``# error: CODE``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DOCS_URL = "https://github.com/cnnlint/cnnlint/blob/main/docs/rules.md"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str  # "error", "warning", "info"
    summary: str
    why: str = ""
    example: str = ""
    use_instead: str = ""
    fix_safety: str = "No automatic fix."
    valid: tuple[str, ...] = field(default=())
    invalid: tuple[str, ...] = field(default=())

    @property
    def url(self) -> str:
        return f"{DOCS_URL}#{self.code.lower()}-{self.name}"

    @property
    def fixable(self) -> bool:
        return self.fix_safety.lower().startswith("safe")


RULES: dict[str, Rule] = {}


def _rule(rule: Rule) -> None:
    RULES[rule.code] = rule


_rule(Rule("CNL001", "linear-in-features", "error", "`nn.Linear` in_features differs from the incoming last dimension"))
_rule(Rule("CNL002", "channel-mismatch", "error", "a layer's channel or feature count differs from the incoming tensor"))
_rule(Rule("CNL003", "inexact-stride", "warning", "a conv or pool never reads the last rows/columns of its input"))
_rule(Rule("CNL004", "empty-output", "error", "a computed output dimension is zero or negative"))
_rule(Rule("CNL005", "invalid-argument", "error", "an argument torch rejects at construction or forward"))
_rule(Rule("CNL006", "rank-mismatch", "error", "a layer receives a tensor of a rank it cannot take"))
_rule(Rule("CNL007", "runtime-mismatch", "error", "with --runtime: torch disagrees with the static answer"))
_rule(Rule("CNL100", "unresolved", "info", "shape following stops: an unknown layer or argument"))
_rule(Rule("CNL997", "invalid-pragma", "warning", "a `# cnnlint:` pragma that cannot be read"))
_rule(Rule("CNL998", "internal-error", "error", "cnnlint itself failed on this file"))
_rule(Rule("CNL999", "syntax-error", "error", "the file cannot be parsed"))


def severity(code: str) -> str:
    rule = RULES.get(code)
    return rule.severity if rule else "error"
