"""Rule selection: which codes a selector names, and how ``select`` / ``extend-select`` / ``ignore``
combine, layer by layer (the file, then the command line), as ``cnnlint.config`` describes."""

from __future__ import annotations

from collections.abc import Iterable

from cnnlint import rules
from cnnlint.records import dataclass
from cnnlint.settings import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable


def _specificity(selector: str) -> int:
    return 0 if selector == "ALL" else len(selector)


def expand_selector(selector: str, where: str = "selector") -> frozenset[str]:
    """The codes a selector names: ``ALL``, a full code, or a prefix (``CNL0``). ``ConfigError`` if none."""
    text = selector.strip().upper()
    if text == "ALL":
        return frozenset(rules.RULES)
    codes = frozenset(code for code in rules.RULES if text and code.startswith(text))
    if not codes:
        import difflib  # only for a message: not imported by every run

        hint = difflib.get_close_matches(text, list(rules.RULES), n=1)
        suggestion = f" (did you mean `{hint[0]}`?)" if hint else ""
        raise ConfigError(f"{where}: unknown rule code or prefix `{selector}`{suggestion}")
    return codes


@dataclass
class _Layer:
    select: list[str] | None
    extend_select: list[str]
    ignore: list[str]
    where: Callable[[str], str]


def _resolve(layers: Iterable[_Layer]) -> frozenset[str]:
    enabled = set(rules.RULES)
    for layer in layers:
        entries: list[tuple[int, int, str, bool, str]] = []
        for key, selectors, flag in (
            ("select", layer.select or [], True),
            ("extend-select", layer.extend_select, True),
            ("ignore", layer.ignore, False),
        ):
            for selector in selectors:
                norm = selector.strip().upper()
                entries.append((_specificity(norm), 0 if flag else 1, selector, flag, key))
        updates: dict[str, bool] = {}
        for _spec, _order, selector, flag, key in sorted(entries, key=lambda e: (e[0], e[1])):
            for code in expand_selector(selector, layer.where(key)):
                updates[code] = flag
        if layer.select is not None:
            enabled = {code for code, on in updates.items() if on}
        else:
            for code, on in updates.items():
                (enabled.add if on else enabled.discard)(code)
    return frozenset(enabled)


def _split_codes(values: Iterable[str]) -> list[str]:
    """Command-line code lists: ``--select CNL001,CNL002 --select CNL005``."""
    if isinstance(values, str):
        values = [values]
    return [code.strip() for value in values for code in value.split(",") if code.strip()]
