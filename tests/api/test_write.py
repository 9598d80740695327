"""Writes: staff tokens change editorial fields and import JATS; nobody else writes."""

import io
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command

from masthead.api.models import ApiToken
from masthead.api.tokens import create_token, key_hash
from masthead.catalog.models import Article, Contributor, Journal
from tests.conftest import ELIFE, needs_elife

pytestmark = pytest.mark.django_db


def url(doi: str) -> str:
    return f"/api/v1/articles/{quote(doi, safe='/')}"


def elife_upload(name: str = "elife00007.xml", data: bytes | None = None):
    upload = io.BytesIO(data if data is not None else (ELIFE / name).read_bytes())
    upload.name = name
    return upload


def test_anonymous_writes_are_401_with_the_token_challenge(api, make_article):
    article = make_article()
    response = api.patch(url(article.doi), {"title": "New"}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert api.post("/api/v1/articles", {}, format="multipart").status_code == 401
    article.refresh_from_db()
    assert article.title != "New"


def test_a_wrong_token_is_401_even_for_reads(api, make_article):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    assert api.get("/api/v1/articles").status_code == 401
    api.credentials(HTTP_AUTHORIZATION="Token")
    assert api.get("/api/v1/articles").status_code == 401


def test_non_staff_and_staff_without_the_permission_are_403(reader_api, make_article):
    article = make_article()
    assert reader_api.patch(url(article.doi), {"title": "X"}, format="json").status_code == 403
    clerk = User.objects.create_user("clerk", is_staff=True)  # staff, no catalog permission
    _, key = create_token(clerk, "t")
    reader_api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = reader_api.patch(url(article.doi), {"title": "X"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"]
    article.refresh_from_db()
    assert article.title != "X"


def test_a_deactivated_users_token_stops_working(staff_user, staff_api, make_article):
    article = make_article()
    staff_user.is_active = False
    staff_user.save()
    assert staff_api.patch(url(article.doi), {"title": "X"}, format="json").status_code == 401


def test_staff_patch_changes_only_the_editorial_fields_sent(staff_api, make_article):
    article = make_article(title_html="Old <i>t</i>", keywords=["old"])
    before = Article.objects.get(pk=article.pk)
    response = staff_api.patch(
        url(article.doi.upper()),
        {
            "title": "  New title ",
            "is_free_to_read": True,
            "keywords": ["Cell biology", " cell  biology ", "", "Cell biology", "Mice"],
            "subjects": ["Neuroscience"],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "New title" and body["title_html"] == ""
    assert body["keywords"] == ["Cell biology", "cell biology", "Mice"]
    assert body["free_to_read"] is True
    after = Article.objects.get(pk=article.pk)
    assert after.title == "New title" and after.subjects == ["Neuroscience"]
    assert after.version == before.version  # an edit is not a new version of the article
    assert after.updated_at > before.updated_at  # but cached pages see the change
    assert after.subtitle == before.subtitle and after.abstracts == before.abstracts


def test_staff_can_unpublish_and_see_it_readers_cannot(api, staff_api, make_article):
    article = make_article()
    response = staff_api.patch(url(article.doi), {"is_published": False}, format="json")
    assert response.json()["published"] is False
    assert api.get(url(article.doi)).status_code == 404
    response = staff_api.patch(url(article.doi), {"is_published": True}, format="json")
    assert response.status_code == 200
    assert api.get(url(article.doi)).status_code == 200


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": 5}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": None}, "title"),
        ({"is_published": "yes"}, "is_published"),
        ({"is_published": 1}, "is_published"),
        ({"keywords": "one, two"}, "keywords"),
        ({"keywords": [1, 2]}, "keywords"),
        ({"keywords": ["x" * 256]}, "keywords"),
        ({"subjects": ["ok"] * 101}, "subjects"),
        ({"doi": "10.5555/mine"}, "doi"),
        ({"body_html": "<p>x</p>"}, "body_html"),
        ({"title": "a\x00b"}, "title"),
    ],
)
def test_bad_patches_are_a_400_and_change_nothing(staff_api, make_article, change, field):
    article = make_article()
    before = Article.objects.values().get(pk=article.pk)
    response = staff_api.patch(url(article.doi), change, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert Article.objects.values().get(pk=article.pk) == before


def test_a_patch_that_is_not_json_is_refused(staff_api, make_article):
    article = make_article()
    response = staff_api.patch(url(article.doi), "title=x", content_type="text/plain")
    assert response.status_code == 415
    response = staff_api.patch(url(article.doi), "{not json", content_type="application/json")
    assert response.status_code == 400
    response = staff_api.patch(url(article.doi), "[1, 2]", content_type="application/json")
    assert response.status_code == 400


def test_patching_an_unknown_doi_is_404(staff_api, journal):
    assert staff_api.patch(url("10.5555/none"), {"title": "x"}, format="json").status_code == 404


@needs_elife
def test_staff_import_a_jats_file(staff_api, api):
    response = staff_api.post("/api/v1/articles", {"file": elife_upload()}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outcome"] == "imported"
    article = Article.objects.get(doi_key=body["article"]["doi"].lower())
    assert body["article"]["title"] == article.title
    assert Contributor.objects.filter(article=article).exists()
    assert api.get(url(article.doi)).status_code == 200
    # The same file again: nothing changes.
    again = staff_api.post("/api/v1/articles", {"file": elife_upload()}, format="multipart")
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"
    assert Article.objects.count() == 1


@needs_elife
def test_import_into_a_named_journal(staff_api, journal):
    form = {"file": elife_upload("elife00005.xml"), "journal": "tj"}
    response = staff_api.post("/api/v1/articles", form, format="multipart")
    assert response.status_code == 201
    assert response.json()["article"]["journal"]["code"] == "tj"
    form = {"file": elife_upload("elife00005.xml"), "journal": "nope"}
    response = staff_api.post("/api/v1/articles", form, format="multipart")
    assert response.status_code == 400 and "journal" in response.json()["errors"]


@needs_elife
@pytest.mark.parametrize(
    "data, message",
    [
        (b"<article><front>", "elife00007.xml:1"),
        (b"", "file is empty"),
        (b"<html><body>not jats</body></html>", "JATS"),
        (
            b'<!DOCTYPE article [<!ENTITY x "boom">]><article>&x;</article>',
            "entit",
        ),
    ],
)
def test_a_malformed_file_is_a_400_with_the_parsers_message_and_writes_nothing(
    staff_api, data, message
):
    journals = Journal.objects.count()
    response = staff_api.post(
        "/api/v1/articles", {"file": elife_upload(data=data)}, format="multipart"
    )
    assert response.status_code == 400, response.content
    assert message in response.json()["detail"]
    assert Article.objects.count() == 0 and Journal.objects.count() == journals


@needs_elife
@pytest.mark.parametrize(
    "doi, message",
    [
        (b"nodoi", "DOI"),
        # Refused after the journal was made (a DOI too long for its column): rolled back.
        (b"10.7554/" + b"x" * 300, "longer than 255"),
    ],
)
def test_a_record_the_importer_refuses_writes_nothing_either(staff_api, doi, message):
    data = (
        (ELIFE / "elife00007.xml").read_bytes().replace(b">10.7554/eLife.00007<", b">" + doi + b"<")
    )
    response = staff_api.post(
        "/api/v1/articles", {"file": elife_upload(data=data)}, format="multipart"
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Article.objects.exists() and not Journal.objects.exists()


@needs_elife
def test_import_needs_the_add_permission_and_updates_need_change(staff_user, staff_api):
    reader = User.objects.create_user("r2")
    _, key = create_token(reader, "t")
    form = {"file": elife_upload()}
    staff_api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert staff_api.post("/api/v1/articles", form, format="multipart").status_code == 403
    adder = User.objects.create_user("adder", is_staff=True)
    adder.user_permissions.add(Permission.objects.get(codename="add_article"))
    _, key = create_token(adder, "t")
    staff_api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = staff_api.post("/api/v1/articles", {"file": elife_upload()}, format="multipart")
    assert response.status_code == 201
    again = staff_api.post("/api/v1/articles", {"file": elife_upload()}, format="multipart")
    assert again.status_code == 403 and "change" in again.json()["detail"]


def test_import_without_a_file_is_a_400(staff_api):
    response = staff_api.post("/api/v1/articles", {"journal": "tj"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]
    response = staff_api.post("/api/v1/articles", {"file": "x"}, format="json")
    assert response.status_code == 415


def test_api_token_command_prints_a_key_that_is_stored_only_as_its_hash(staff_user):
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "editor", "--name", "ingest", stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=staff_user)
    assert token.name == "ingest" and token.key_sha256 == key_hash(key)
    assert key not in str(ApiToken.objects.values().get())
    assert token.prefix == key[:8]


def test_a_token_made_in_the_admin_is_shown_once(admin_client, staff_user):
    response = admin_client.post(
        "/admin/api/apitoken/add/", {"user": staff_user.pk, "name": "ingest"}, follow=True
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(name="ingest")
    shown = [str(m) for m in response.context["messages"]]
    assert any(token.prefix in m and "not be shown again" in m for m in shown)
    key = shown[0].split(" is ", 1)[1].split(" ", 1)[0]
    assert key_hash(key) == token.key_sha256
