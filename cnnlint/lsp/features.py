"""Requests answered from a checked version: code actions, inlay hints, hover."""

from __future__ import annotations

from collections.abc import Iterable

from lsprotocol import types as lsp

from cnnlint.diagnostics import Edit
from cnnlint.lsp import views
from cnnlint.lsp.documents import SOURCE, Linted
from cnnlint.lsp.positions import key, kind_matches, overlaps

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FIX_ALL_KIND = "source.fixAll.cnnlint"


class Features:
    """Mixed into the server: needs ``current(uri)`` and ``client_capabilities``."""

    client_capabilities: Any

    async def current(self, uri: str) -> Linted | None:  # pragma: no cover - provided by the server
        raise NotImplementedError

    def _workspace_edit(self, linted: Linted, edits: list[lsp.TextEdit]) -> lsp.WorkspaceEdit:
        workspace = getattr(self.client_capabilities, "workspace", None)
        workspace_edit = getattr(workspace, "workspace_edit", None)
        if getattr(workspace_edit, "document_changes", False):
            document = lsp.OptionalVersionedTextDocumentIdentifier(uri=linted.uri, version=linted.version)
            return lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(text_document=document, edits=edits)])
        return lsp.WorkspaceEdit(changes={linted.uri: edits})

    async def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        linted = await self.current(params.text_document.uri)
        if linted is None:
            return []
        only = params.context.only
        actions: list[lsp.CodeAction] = []
        fixable = [d for d in linted.diagnostics if d.fix is not None and d.fix.edits]
        if kind_matches(lsp.CodeActionKind.QuickFix, only):
            sent = params.context.diagnostics or []
            for diag in fixable:
                ours = linted.lsp_diagnostic(diag)
                if diag.fix is None or not overlaps(ours.range, params.range):
                    continue
                match = next(
                    (
                        d
                        for d in sent
                        if d.source == SOURCE and d.code == diag.code and key(d.range.start) == key(ours.range.start)
                    ),
                    ours,
                )
                safe = diag.fix.applicability == "safe"
                actions.append(
                    lsp.CodeAction(
                        title=f"{diag.fix.message} ({diag.code})" + ("" if safe else " [unsafe]"),
                        kind=lsp.CodeActionKind.QuickFix,
                        diagnostics=[match],
                        is_preferred=safe,
                        edit=self._workspace_edit(linted, [linted.text_edit(e) for e in diag.fix.edits]),
                    )
                )
        if kind_matches(FIX_ALL_KIND, only):
            safe_fixes = [d for d in fixable if d.fix is not None and d.fix.applicability == "safe"]
            edits = _non_overlapping(e for d in safe_fixes for e in d.fix.edits)  # type: ignore[union-attr]
            if edits:
                actions.append(
                    lsp.CodeAction(
                        title="cnnlint: fix all auto-fixable problems",
                        kind=FIX_ALL_KIND,
                        edit=self._workspace_edit(linted, [linted.text_edit(e) for e in edits]),
                    )
                )
        return actions

    async def inlay_hints(self, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
        linted = await self.current(params.text_document.uri)
        if linted is None:
            return []
        hints = []
        for hint in views.inlay_hints(linted.views):
            pos = linted.positions.to_lsp(hint.position)
            if key(params.range.start) <= key(pos) <= key(params.range.end):
                hints.append(
                    lsp.InlayHint(
                        position=pos,
                        label=hint.label,
                        kind=lsp.InlayHintKind.Type,
                        padding_left=True,
                        tooltip=hint.tooltip,
                    )
                )
        return hints

    async def hover(self, params: lsp.HoverParams) -> lsp.Hover | None:
        linted = await self.current(params.text_document.uri)
        if linted is None:
            return None
        here = linted.positions.from_lsp(params.position)
        found, span = views.hover_views(linted.views, here)
        text = views.hover_text(found)
        if text is None or span is None:
            return None
        return lsp.Hover(
            contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text),
            range=linted.positions.range(span[0], span[1]),
        )


def _non_overlapping(edits: Iterable[Edit]) -> list[Edit]:
    out: list[Edit] = []
    for edit in sorted(set(edits), key=lambda e: (e.location, e.end_location)):
        if out and edit.location < out[-1].end_location:
            continue
        out.append(edit)
    return out
