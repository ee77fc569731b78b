"""Text and JSON of `search` and `audit` (plain strings: no rich on the hot path)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from linespec.core.search.engine import Answer

RULE = "=" * 60
THIN = "-" * 60
ADVISORY = (
    "These results are advisory: earlier decisions that may already cover this.",
    "Read them before writing a new record; extend or supersede instead of duplicating.",
)


def _threshold_line(answer: Answer) -> str:
    if answer.threshold is None:
        return f"(Lexical index: {answer.indexed} records, BM25 ranking)"
    return f"(Similarity threshold: {answer.threshold:.2f})"


def _why(result_score: float, similarity: float | None) -> str:
    if similarity is not None:
        return f"{similarity * 100:.1f}% similar"
    return f"{result_score * 100:.0f}% match"


def json(answer: Answer) -> str:
    from linespec.render import jsonout

    return jsonout.dumps(
        {
            "query": answer.query,
            "provider": answer.provider,
            "threshold": answer.threshold,
            "indexed": answer.indexed,
            "results": [
                {
                    "id": r.doc.id,
                    "title": r.doc.title,
                    "status": r.doc.status,
                    "score": round(r.score, 4),
                    "similarity": None if r.similarity is None else round(r.similarity, 4),
                    "matched": list(r.matched),
                }
                for r in answer.results
            ],
        }
    )


def human(answer: Answer) -> str:
    """The §15 search report, plus what matched for each result."""
    lines = [""]
    if not answer.results:
        lines += ["No related records found.", _threshold_line(answer), "", *ADVISORY, ""]
        return "\n".join(lines)
    kind = "Search" if answer.threshold is None else "Semantic Search"
    lines += [f'[ADVISORY] {kind} Results for: "{answer.query[:200]}"', _threshold_line(answer)]
    lines += [RULE, "", *ADVISORY, ""]
    for i, r in enumerate(answer.results, 1):
        lines.append(f"{i}. {r.doc.id} ({_why(r.score, r.similarity)})")
        lines.append(f"   Title: {r.doc.title}")
        lines.append(f"   Status: {r.doc.status}")
        if r.matched:
            lines.append(f"   Matched: {', '.join(r.matched)}")
        lines.append("")
    lines += [THIN, "Use 'linespec provenance context <files>' for scope-based lookup.", "", ""]
    return "\n".join(lines)


def audit(answer: Answer) -> str:
    """The §15 audit report (advisory)."""
    if not answer.results:
        return (
            "✓ Audit advisory: No similar records found in provenance history.\n"
            f"{_threshold_line(answer)}\n"
            "Your changes do not appear to conflict with any prior decisions.\n"
        )
    kind = "Audit" if answer.threshold is None else "Semantic Audit"
    lines = ["", f"[ADVISORY] {kind} Results", _threshold_line(answer), RULE, ""]
    lines += [
        "These records may relate to your change. Review them for conflicts:",
        "  a change that contradicts a constraint needs a new record that supersedes it.",
        "This check is advisory and never blocks.",
        "",
    ]
    for r in answer.results:
        lines.append(f"• {r.doc.id} ({_why(r.score, r.similarity)})")
        lines.append(f"  Title: {r.doc.title}")
        lines.append(f"  Status: {r.doc.status}")
        if r.matched:
            lines.append(f"  Matched: {', '.join(r.matched)}")
        constraints = r.doc.fields.get("constraints")
        if isinstance(constraints, list) and constraints:
            lines.append("  Key constraints:")
            lines += [f"    - {c}" for c in constraints[:3] if isinstance(c, str)]
        lines.append("")
    lines += [THIN, "✓ Audit advisory completed (exit 0)", ""]
    return "\n".join(lines)
