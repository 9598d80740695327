"""API clients: anonymous, a staff member's token, a reader's token."""

import pytest
from django.contrib.auth.models import Permission, User
from rest_framework.test import APIClient

from masthead.api.tokens import create_token


@pytest.fixture
def api(db) -> APIClient:
    return APIClient()


def _client(user) -> APIClient:
    _, key = create_token(user, "tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def staff_user(db) -> User:
    user = User.objects.create_user("editor", "editor@example.org", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="catalog",
            codename__in=["view_article", "change_article", "add_article"],
        )
    )
    return user


@pytest.fixture
def staff_api(staff_user) -> APIClient:
    return _client(staff_user)


@pytest.fixture
def reader_api(db) -> APIClient:
    """A token of a signed-up reader: not staff, so it may read and nothing more."""
    return _client(User.objects.create_user("reader", "reader@example.org"))


def walk(client, url: str) -> list[dict]:
    """Every result of a cursor-paginated list, following `next` to the end."""
    results, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        results.extend(body["results"])
        url, pages = body["next"], pages + 1
        assert pages < 100
    return results
