"""Site search on SQLite: the FTS5 table `discovery_search` (migration 0001).

Every word and phrase goes into the MATCH expression as an FTS5 string ("...", a double
quote inside doubled), so nothing the reader typed is ever an FTS5 operator; the
expression itself is one bound parameter. Ranking is bm25 with column weights in the
order title > keywords = authors > abstract > body; as FTS5 normalises bm25 by the length
of the whole row, the body ranks in a tier of its own (`source`).
"""

from __future__ import annotations

from masthead.discovery.search_filters import Criteria, TextMatch
from masthead.discovery.search_query import MARK_END, MARK_START, Query, Term
from masthead.sql import fetch_all

# title, keywords, authors, abstract, body: as PostgreSQL's weights A, B, B, C, D.
WEIGHTS = "10.0, 4.0, 4.0, 2.0, 1.0"
META_WEIGHTS = "10.0, 4.0, 4.0, 2.0"
YEAR_OF_DATE = "CAST(strftime('%%Y', {column}) AS INTEGER)"
SNIPPET_TOKENS = 36


def fts5_string(text: str) -> str:
    """An FTS5 string: in double quotes, a double quote inside doubled. Several words in
    one string are a phrase."""
    return '"' + text.replace('"', '""') + '"'


def _phrases(terms: tuple[Term, ...]) -> str:
    return " AND ".join(fts5_string(t.text) for t in terms)


def match_expression(c: Criteria) -> str:
    """The FTS5 query: every included term in its field, then NOT each excluded one."""
    fields: tuple[tuple[str, Query], ...] = (
        ("", c.query),
        ("title", c.title),
        ("authors", c.author),
    )
    wanted = [
        f"{column} : ({_phrases(q.included)})" if column else f"({_phrases(q.included)})"
        for column, q in fields
        if q.included
    ]
    expression = "(" + " AND ".join(wanted) + ")"
    for column, q in fields:
        for term in q.excluded:
            target = f"{column} : ({fts5_string(term.text)})" if column else fts5_string(term.text)
            expression += f" NOT {target}"
    return expression


def source(c: Criteria, ranked: bool = True) -> TextMatch:
    """The matches: every term in any field (`discovery_search`). Articles whose fields
    other than the body hold every term come first, ranked by bm25 over those fields
    (`discovery_search_meta`); the rest, matched through their body, by bm25 over all."""
    expression = match_expression(c)
    if not ranked:
        return TextMatch(
            "discovery_search JOIN catalog_article a ON a.id = discovery_search.rowid",
            [],
            "discovery_search MATCH %s",
            [expression],
            score="0.0",
            tier="1",
        )
    return TextMatch(
        f"(SELECT rowid AS id, -bm25(discovery_search, {WEIGHTS}) AS score "  # noqa: S608
        "FROM discovery_search WHERE discovery_search MATCH %s) f "
        f"LEFT JOIN (SELECT rowid AS id, -bm25(discovery_search_meta, {META_WEIGHTS}) AS score "
        "FROM discovery_search_meta WHERE discovery_search_meta MATCH %s) m ON m.id = f.id "
        "JOIN catalog_article a ON a.id = f.id",
        [expression, expression],
        "",
        [],
        score="COALESCE(m.score, f.score)",
        tier="CASE WHEN m.id IS NULL THEN 2 ELSE 1 END",
    )


def snippets(c: Criteria, ids: list[int]) -> dict[int, tuple[str, str]]:
    """{article id: (abstract snippet, body snippet)}, hits between MARK_START/MARK_END."""
    if not ids:
        return {}
    marks = [MARK_START, MARK_END, "…", SNIPPET_TOKENS]
    sql = f"""
        SELECT rowid, snippet(discovery_search, 3, %s, %s, %s, %s),
               snippet(discovery_search, 4, %s, %s, %s, %s)
        FROM discovery_search
        WHERE discovery_search MATCH %s AND rowid IN ({", ".join(["%s"] * len(ids))})
    """  # noqa: S608 - the reader's words are parameters
    rows = fetch_all(sql, [*marks, *marks, match_expression(c), *ids])
    return {pk: (abstract or "", body or "") for pk, abstract, body in rows}
