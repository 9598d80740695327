"""The search box's language, as plain data: no database here."""

import pytest

from masthead.discovery.search_filters import Criteria, criteria
from masthead.discovery.search_query import (
    MARK_END,
    MARK_START,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    QueryError,
    Term,
    as_doi,
    as_issn,
    highlight_html,
    parse,
    strip_markers,
)
from masthead.discovery.search_sqlite import fts5_string, match_expression


def words(text: str) -> list[tuple[str, ...]]:
    return [t.words for t in parse(text).terms]


def test_words_phrases_and_exclusions():
    query = parse('polycomb "repressive complex" -drosophila -"fruit fly"')
    assert query.included == (
        Term("polycomb", ("polycomb",)),
        Term("repressive complex", ("repressive", "complex")),
    )
    assert query.excluded == (
        Term("drosophila", ("drosophila",), excluded=True),
        Term("fruit fly", ("fruit", "fly"), excluded=True),
    )


def test_operators_and_punctuation_are_plain_words_or_nothing():
    assert words("cancer AND mice OR NOT rats NEAR(x y)") == [
        ("cancer",),
        ("AND",),
        ("mice",),
        ("OR",),
        ("NOT",),
        ("rats",),
        ("NEAR", "x"),
        ("y",),
    ]
    assert words("* ^ : ( ) ;") == []
    assert words("title:foo ^bar gene*") == [("title", "foo"), ("bar",), ("gene",)]
    assert words("'; DROP TABLE catalog_article; --") == [
        ("DROP",),
        ("TABLE",),
        ("catalog", "article"),
    ]


def test_hyphenated_and_unbalanced_quotes():
    assert words("COVID-19 vaccine") == [("COVID", "19"), ("vaccine",)]
    assert words('"unclosed phrase here') == [("unclosed", "phrase", "here")]
    assert words('say "" nothing -') == [("say",), ("nothing",)]


def test_non_latin_scripts_and_control_characters():
    assert words("蛋白质 Straße Ärger") == [("蛋白质",), ("Straße",), ("Ärger",)]
    assert words("cell\x00 biology\x1b[31m") == [("cell",), ("biology",), ("31m",)]


def test_caps_have_clear_messages():
    with pytest.raises(QueryError, match=f"limit is {MAX_QUERY_CHARS}"):
        parse("x" * 10_000)
    with pytest.raises(QueryError, match=f"limit is {MAX_TERMS}"):
        parse(" ".join(f"w{i}" for i in range(MAX_TERMS + 1)))
    assert len(parse(" ".join(["same"] * 50)).terms) == 1  # repeats are one term


def test_fts5_strings_are_always_quoted():
    assert fts5_string('say "hi"') == '"say ""hi"""'
    c = Criteria(query=parse('gene* -"cell cycle" NEAR(x'), author=parse("Smith"))
    assert match_expression(c) == (
        '(("gene*" AND "NEAR(x") AND authors : ("Smith")) NOT "cell cycle"'
    )
    # What the reader typed goes to the tokenizer whole, so it splits it as it split
    # the indexed text.
    assert [t.text for t in parse("excitatory/inhibitory miR-195-5p").terms] == [
        "excitatory/inhibitory",
        "miR-195-5p",
    ]


def test_identifiers():
    assert as_doi("10.7554/eLife.00005") == "10.7554/eLife.00005"
    assert (
        as_doi("https://doi.org/10.1016/S0960-9822(00)00336-5") == "10.1016/S0960-9822(00)00336-5"
    )
    assert as_doi("doi: 10.5555/x") == "10.5555/x"
    assert as_doi("about 10.5555/x") == ""
    assert as_issn("1234-567x") == "1234-567X"
    assert as_issn("12345678") == "1234-5678"
    assert as_issn("1234-56789") == ""


def test_highlight_escapes_before_marking():
    text = f"<script>alert(1)</script> {MARK_START}cancer{MARK_END} & {MARK_START}mice"
    assert highlight_html(text) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>cancer</mark> &amp; <mark>mice</mark>"
    )
    assert highlight_html(f"{MARK_END}stray") == "stray"
    assert strip_markers(f"a{MARK_START}b\x00c") == "a b c"


class Params:
    """What the REST API or the page hands in (duck-typed like SearchParams)."""

    def __init__(self, **values):
        defaults = dict(
            q="", author="", title="", doi="", issn="", journal="", year_from=None,
            year_to=None, article_type="", open_access=False, accessible_only=False,
            sort="relevance", page=1, page_size=20,
        )  # fmt: skip
        self.__dict__.update(defaults | values)


def test_criteria_check_what_a_reader_could_get_wrong():
    assert criteria(Params(q="https://doi.org/10.5555/ABC")).doi == "10.5555/abc"
    assert not criteria(Params(q="https://doi.org/10.5555/ABC")).query  # the DOI is the search
    assert criteria(Params(q="5555-0029")).issn == "5555-0029"
    for bad, message in (
        (Params(doi="not a doi"), "is not a DOI"),
        (Params(issn="12"), "is not an ISSN"),
        (Params(q="x", sort="popular"), "Sort by"),
        (Params(q="x", page=51), "narrow the search"),
        (Params(q="x", page=0), "narrow the search"),
        (Params(q="x", page_size=1000), "1 to 100"),
        (Params(q="x", year_from=2020, year_to=2010), "comes after"),
        (Params(q="-cancer"), "Add a word"),
        (Params(year_from=20_000), "must be a year"),
    ):
        with pytest.raises(QueryError, match=message):
            criteria(bad)
    assert not criteria(Params()).asks_anything
    assert criteria(Params(journal="tj")).asks_anything
