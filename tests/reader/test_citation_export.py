"""Citation downloads and formatted citations from the article page."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_ris_download(client, make_article):
    article = make_article(authors=2)
    response = client.get(f"/doi/cite/{article.doi}?format=ris")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    assert response["Content-Disposition"] == 'attachment; filename="10.5555_test.1.ris"'
    text = response.content.decode()
    assert text.startswith("TY  - JOUR")
    assert "AU  - Surname0, Given0" in text and "AU  - Surname1, Given1" in text
    assert f"DO  - {article.doi}" in text and "SP  - 703" in text


@pytest.mark.parametrize("fmt, first", [("bibtex", "@article{"), ("endnote", "%0 Journal Article")])
def test_other_downloads(client, make_article, fmt, first):
    article = make_article()
    response = client.get(f"/doi/cite/{article.doi}?format={fmt}")
    assert response.content.decode().startswith(first)


def test_csl_json_download(client, make_article):
    article = make_article()
    items = json.loads(client.get(f"/doi/cite/{article.doi}?format=csl-json").content)
    assert items[0]["DOI"] == article.doi and items[0]["container-title"] == "Test Journal"


def test_unknown_format_is_a_clear_error(client, make_article):
    response = client.get(f"/doi/cite/{make_article().doi}?format=docx")
    assert response.status_code == 400 and b"Unknown citation format" in response.content


def test_formatted_citations_in_three_styles(client, make_article):
    html = client.get(f"/doi/cite/{make_article().doi}").content.decode()
    for style in ("APA", "Chicago", "Harvard"):
        assert style in html
    assert html.count("Surname0") >= 3
