"""Site search on PostgreSQL: the weighted `document` tsvector of
`discovery_searchdocument` and its GIN index (migration 0001).

The tsquery is built in SQL from the reader's words, each a bound parameter of
`plainto_tsquery` (a word) or `phraseto_tsquery` (a phrase), joined with && and !!;
no text the reader typed is ever part of the SQL or of tsquery syntax. Ranking is
ts_rank with the weights title (A) > keywords = authors (B) > abstract (C) > body (D),
normalised by document length like FTS5's bm25, the body in a tier of its own as there.
"""

from __future__ import annotations

from masthead.discovery.search_filters import Criteria, TextMatch
from masthead.discovery.search_query import MARK_END, MARK_START, Query
from masthead.sql import fetch_all

CONFIG = "english"
WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B, A (ts_rank's order)
YEAR_OF_DATE = "CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)"
HEADLINE = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=36, MinWords=18, ShortWord=3, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)


def tsquery(query: Query) -> tuple[list[str], list]:
    """SQL parts (to be joined with &&) and their parameters, one per term."""
    parts, params = [], []
    for term in query.terms:
        function = "phraseto_tsquery" if term.is_phrase else "plainto_tsquery"
        parts.append(f"{'!!' if term.excluded else ''}{function}('{CONFIG}', %s)")
        params.append(term.text)
    return parts, params


def _queries(c: Criteria) -> tuple[str, list]:
    """A one-row subquery `q`: the whole query (for the index and the rank), and the title
    and author queries that must also match their own fields."""
    columns, params = [], []
    every, every_params = [], []
    for name, query in (("title", c.title), ("author", c.author), ("query", c.query)):
        parts, more = tsquery(query)
        every += parts
        every_params += more
        if name != "query":
            columns.append(f"{' && '.join(parts) or 'NULL::tsquery'} AS {name}")
            params += more
    columns.append(f"{' && '.join(every)} AS query")
    return f"(SELECT {', '.join(columns)}) q", params + every_params


def source(c: Criteria, ranked: bool = True) -> TextMatch:
    """The matches: every term in any field. Articles whose fields other than the body
    (weights A, B, C) hold every term come first, ranked over those fields; the rest,
    matched through their body, over all (as `search_sqlite`). The match is planned on
    its own (OFFSET 0 keeps it a subquery): joined early to the articles, PostgreSQL
    would walk them in date order, hoping to stop at a page it cannot stop at."""
    queries, params = _queries(c)
    condition = "s.document @@ q.query"
    if c.title:
        condition += f" AND to_tsvector('{CONFIG}', s.title) @@ q.title"
    if c.author:
        condition += f" AND to_tsvector('{CONFIG}', s.authors) @@ q.author"
    tier, score = "1", "0.0"
    if ranked:
        meta = "ts_filter(s.document, '{a,b,c}')"
        in_meta = f"(s.body = '' OR {meta} @@ q.query)"  # without a body, meta is all
        tier = f"CASE WHEN {in_meta} THEN 1 ELSE 2 END"
        score = (
            f"CASE WHEN s.body = '' THEN ts_rank('{WEIGHTS}', s.document, q.query, 1) "
            f"WHEN {meta} @@ q.query THEN ts_rank('{WEIGHTS}', {meta}, q.query, 1) "
            f"ELSE ts_rank('{WEIGHTS}', s.document, q.query, 1) END"
        )
    return TextMatch(
        f"(SELECT s.article_id AS id, {tier} AS tier, {score} AS score "  # noqa: S608
        f"FROM discovery_searchdocument s CROSS JOIN {queries} WHERE {condition} OFFSET 0) m "
        "JOIN catalog_article a ON a.id = m.id",
        params,
        "",
        [],
        score="m.score",
        tier="m.tier",
    )


def snippets(c: Criteria, ids: list[int]) -> dict[int, tuple[str, str]]:
    """{article id: (abstract snippet, body snippet)}, hits between MARK_START/MARK_END;
    the body is only read for articles whose abstract holds no hit."""
    if not ids:
        return {}
    queries, params = _queries(c)
    sql = f"""
        WITH h AS MATERIALIZED (
            SELECT s.article_id AS id, s.body, q.query,
                   ts_headline('{CONFIG}', s.abstract, q.query, %s) AS abstract
            FROM discovery_searchdocument s CROSS JOIN {queries}
            WHERE s.article_id IN ({", ".join(["%s"] * len(ids))})
        )
        SELECT id, abstract,
               CASE WHEN body <> '' AND strpos(abstract, %s) = 0
                    THEN ts_headline('{CONFIG}', body, query, %s) ELSE '' END
        FROM h
    """  # noqa: S608 - the reader's words are parameters
    rows = fetch_all(sql, [HEADLINE, *params, *ids, MARK_START, HEADLINE])
    return {pk: (abstract or "", body or "") for pk, abstract, body in rows}
