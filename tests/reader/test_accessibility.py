"""Pages a screen-reader user can navigate: landmarks, one h1, headings that never skip a level."""

from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db


class Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.landmarks: set[str] = set()

    def handle_starttag(self, tag, attrs):
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        if tag in {"header", "main", "footer", "nav", "aside"}:
            self.landmarks.add(tag)


def outline(client, url) -> Outline:
    response = client.get(url)
    assert response.status_code == 200
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize("kind", ["abs", "full", "cite"])
def test_article_pages_have_an_outline(client, make_article, kind):
    article = make_article(
        authors=3,
        references=3,
        is_open_access=True,
        body_html="<section><h2>Intro</h2><p>x</p></section>",
    )
    page = outline(client, f"/doi/{kind}/{article.doi}")
    assert page.headings.count(1) == 1 and page.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    assert {"header", "main", "footer", "nav"} <= page.landmarks


@pytest.mark.parametrize("url", ["/", "/journals/tj", "/toc/tj/31/4", "/journals/"])
def test_browse_pages_have_an_outline(client, make_article, url):
    make_article()
    page = outline(client, url)
    assert page.headings.count(1) == 1 and page.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
