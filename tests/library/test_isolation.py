"""Who may open which portal page: a librarian of A never reaches B's data."""

import pytest

from masthead.library.models import ChangeRequest
from masthead.usage.models import SushiCredential

GETS = ["", "kbart.txt", "change/", "usage/", "report.json?report=tr_j1",
        "report.tsv?report=tr_j1"]  # fmt: skip


def _urls(institution, credential):
    return [("get", f"/library/{institution.pk}/{tail}") for tail in GETS] + [
        ("post", f"/library/{institution.pk}/change/"),
        ("post", f"/library/{institution.pk}/sushi/{credential.pk}/new-key"),
    ]


@pytest.fixture
def rival_urls(rival):
    return _urls(rival, SushiCredential.objects.get(customer_id="rival-1"))


@pytest.fixture
def own_urls(campus, rival):
    return [("get", "/library/")] + _urls(campus, SushiCredential.objects.get(customer_id="uni-1"))


def test_a_librarian_of_a_cannot_reach_b(lib_client, rival, rival_urls):
    before = SushiCredential.objects.get(customer_id="rival-1").api_key_sha256
    for method, address in rival_urls:
        response = getattr(lib_client, method)(
            address, {"kind": "saml", "text": "take over"} if method == "post" else None
        )
        assert response.status_code == 404, (method, address)
        assert b"Rival" not in response.content
    assert SushiCredential.objects.get(customer_id="rival-1").api_key_sha256 == before
    assert ChangeRequest.objects.filter(institution=rival).count() == 1


def test_another_institutions_credential_under_ones_own_id_is_404(lib_client, campus):
    rival_credential = SushiCredential.objects.get(customer_id="rival-1")
    before = rival_credential.api_key_sha256
    response = lib_client.post(f"/library/{campus.pk}/sushi/{rival_credential.pk}/new-key")
    assert response.status_code == 404
    rival_credential.refresh_from_db()
    assert rival_credential.api_key_sha256 == before


def test_unknown_institution_is_404_too(lib_client):
    assert lib_client.get("/library/999999/").status_code == 404


def test_anonymous_visitors_go_to_the_login_page(client, own_urls):
    for method, address in own_urls:
        response = getattr(client, method)(address)
        assert response.status_code == 302, (method, address)
        path = address.split("?")[0]
        assert response["Location"].startswith(f"/login/?next={path}"), response["Location"]


def test_ordinary_readers_and_staff_without_a_library_get_403(
    client, admin_user, django_user_model, own_urls
):
    reader = django_user_model.objects.create_user("reader", password="pw")
    for user in (reader, admin_user):
        client.force_login(user)
        for method, address in own_urls:
            response = getattr(client, method)(address)
            assert response.status_code == 403, (user, method, address)
