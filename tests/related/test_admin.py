"""Staff pin and block related articles and set where they come from, on the article's
admin page; the article page changes on the next request."""

import pytest
from lxml import html as lxml_html

from masthead.related.models import Curation, RelatedArticle
from masthead.related.store import PINNED_REASON, save_lists
from masthead.related.suggestion import ALSO_READ, RECOMMENDED
from tests.related.helpers import add_inline_rows, admin_form, suggest

pytestmark = pytest.mark.django_db


def change_article(admin_client, article, edit) -> None:
    url = f"/admin/catalog/article/{article.pk}/change/"
    data = edit(admin_form(admin_client.get(url), "article_form"))
    response = admin_client.post(url, {**data, "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:3000]


def recommended_on_page(client, article) -> list[tuple[str, str]]:
    page = lxml_html.fromstring(client.get(f"/doi/abs/{article.doi}").content.decode())
    items = page.xpath("//section[@id='panel-recommended']//li")
    return [
        (
            li.xpath("string(.//a[@class='related-title'])"),
            li.xpath("string(.//span[@class='reason'])"),
        )
        for li in items
    ]


def test_a_pin_and_a_block_show_on_the_next_request(client, admin_client, make_article):
    article = make_article()
    liked, disliked, editors_pick = (make_article(title=t) for t in ("Liked", "Off", "Pick"))
    save_lists(
        article.pk,
        {RECOMMENDED: suggest(disliked, liked), ALSO_READ: suggest(disliked)},
        built_version=article.version,
        also_read_filled=False,
    )
    assert recommended_on_page(client, article) == [
        ("Off", "Shares 3 references"),
        ("Liked", "Shares 3 references"),
    ]  # and now cached
    rows = [
        {"action": "pin", "other": editors_pick.pk, "position": 0, "note": "Editorial"},
        {"action": "block", "other": disliked.pk, "position": 0, "note": "Retracted"},
    ]
    change_article(admin_client, article, lambda data: add_inline_rows(data, "curations", rows))
    assert recommended_on_page(client, article) == [
        ("Pick", PINNED_REASON),
        ("Liked", "Shares 3 references"),
    ]
    state = RelatedArticle.objects.get(article=article)
    assert state.built_version == 0  # the lists are rebuilt within a minute
    pin = Curation.objects.get(article=article, action="pin")
    assert pin.created_by.is_superuser and pin.note == "Editorial"


def test_removing_a_pin_takes_it_off_the_page(client, admin_client, make_article):
    article, pick, computed = make_article(), make_article(title="Pick"), make_article(title="Own")
    Curation.objects.create(article=article, other=pick, action=Curation.PIN)
    save_lists(
        article.pk, {RECOMMENDED: suggest(computed)}, built_version=1, also_read_filled=False
    )
    assert [t for t, _ in recommended_on_page(client, article)] == ["Pick", "Own"]

    def delete_the_pin(data):
        data["curations-0-DELETE"] = "on"
        return data

    change_article(admin_client, article, delete_the_pin)
    assert [t for t, _ in recommended_on_page(client, article)] == ["Own"]


def test_an_article_cannot_be_curated_for_itself(admin_client, make_article):
    article = make_article()
    url = f"/admin/catalog/article/{article.pk}/change/"
    data = add_inline_rows(
        admin_form(admin_client.get(url), "article_form"),
        "curations",
        [{"action": "block", "other": article.pk, "position": 0, "note": ""}],
    )
    response = admin_client.post(url, {**data, "_save": "Save"})
    assert response.status_code == 200  # the form again, with the error
    assert "cannot be related to itself" in response.content.decode()
    assert not Curation.objects.exists()


def test_scope_set_in_the_admin_makes_the_article_due(admin_client, make_article):
    article, other = make_article(), make_article()
    save_lists(article.pk, {RECOMMENDED: suggest(other)}, built_version=1, also_read_filled=False)

    def same_journal_only(data):
        data["related_state-0-scope"] = "journal"
        return data

    change_article(admin_client, article, same_journal_only)
    state = RelatedArticle.objects.get(article=article)
    assert state.scope == "journal" and state.built_version == 0


def test_staff_see_the_stored_lists(admin_client, make_article):
    article, other = make_article(), make_article(title="A stored neighbour")
    save_lists(
        article.pk,
        {ALSO_READ: suggest(other, reason="Read together 3 times")},
        built_version=1,
        also_read_filled=False,
    )
    html = admin_client.get(f"/admin/catalog/article/{article.pk}/change/").content.decode()
    assert "Related research: stored lists" in html
    assert "A stored neighbour" in html and "Read together 3 times" in html


def test_journal_scope_in_the_journal_admin(admin_client, make_article, journal):
    article, other = make_article(), make_article()
    save_lists(article.pk, {RECOMMENDED: suggest(other)}, built_version=1, also_read_filled=False)
    url = f"/admin/catalog/journal/{journal.pk}/change/"
    data = admin_form(admin_client.get(url), "journal_form")
    assert data["related_scope"] == "platform"
    response = admin_client.post(url, {**data, "related_scope": "journal", "_save": "Save"})
    assert response.status_code == 302
    journal.refresh_from_db()
    assert journal.related_scope == "journal"
    assert RelatedArticle.objects.get(article=article).built_version == 0


def test_curations_are_listed_and_deleting_one_applies_at_once(admin_client, make_article):
    article, blocked = make_article(), make_article()
    save_lists(article.pk, {RECOMMENDED: suggest(blocked)}, built_version=1, also_read_filled=False)
    block = Curation.objects.create(article=article, other=blocked, action=Curation.BLOCK)
    assert admin_client.get("/admin/related/curation/").status_code == 200
    response = admin_client.post(f"/admin/related/curation/{block.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Curation.objects.exists()
    assert RelatedArticle.objects.get(article=article).built_version == 0
