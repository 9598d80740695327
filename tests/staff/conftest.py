"""Staff members with one role each, made the way a platform admin makes them."""

import pytest
from django.contrib.auth.models import Group


@pytest.fixture
def make_staff(db, django_user_model):
    def make(role: str | None, username: str | None = None):
        user = django_user_model.objects.create_user(
            username or f"staff-{role or 'none'}".replace(" ", "-").lower(),
            password="x" * 16,
            is_staff=True,
        )
        if role is not None:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def login_as(client, make_staff):
    def login(role: str | None):
        client.force_login(make_staff(role))
        return client

    return login
