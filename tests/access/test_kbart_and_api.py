"""KBART holdings for librarians and the entitlement answer for machines."""

import datetime

import pytest

from masthead.access.kbart import FIELDS, Holding, file_name, kbart
from masthead.access.models import Institution, IPRange, Licence

pytestmark = pytest.mark.django_db


def test_kbart_rows_are_tab_safe():
    text = kbart(
        [
            Holding(
                title="A\tB\nC",
                print_issn="5555-0010",
                online_issn="5555-0029",
                title_url="https://x/journals/a",
                title_id="a",
                publisher="P",
                first_date=datetime.date(2020, 1, 1),
                first_volume="1",
            )
        ]
    )
    header, row = text.splitlines()
    assert header.split("\t") == list(FIELDS)
    cells = row.split("\t")
    assert len(cells) == len(FIELDS) and cells[0] == "A B C"
    assert cells[FIELDS.index("access_type")] == "P"
    assert cells[FIELDS.index("date_last_issue_online")] == ""  # current: no end
    name = file_name("Masthead", "Demo University", "Holdings", datetime.date(2026, 1, 2))
    assert name == "Masthead_DemoUniversity_Holdings_2026-01-02.txt"


def test_staff_download_kbart(admin_client, client, journal, make_article):
    make_article()
    institution = Institution.objects.create(name="Demo University")
    Licence.objects.create(
        institution=institution, journal=journal, starts_on=datetime.date(2020, 1, 1)
    )
    url = f"/access/kbart/{institution.pk}.txt"
    assert client.get(url).status_code == 302  # readers are sent to log in
    response = admin_client.get(url)
    assert response["Content-Type"].startswith("text/tab-separated-values")
    rows = response.content.decode().splitlines()
    cells = dict(zip(FIELDS, rows[1].split("\t"), strict=True))
    assert cells["publication_title"] == "Test Journal"
    assert cells["print_identifier"] == "5555-0010" and cells["online_identifier"] == "5555-0029"
    assert cells["num_first_vol_online"] == "31" and cells["title_id"] == "tj"
    assert (
        admin_client.get(f"/admin/access/institution/{institution.pk}/change/").status_code == 200
    )


def test_entitlements_answer(client, settings, journal, make_article):
    settings.MASTHEAD_TRUSTED_PROXIES = ["127.0.0.1"]
    article = make_article(body_html="<p>x</p>")
    institution = Institution.objects.create(name="Demo University")
    IPRange.objects.create(institution=institution, text="203.0.113.0/24")
    Licence.objects.create(
        institution=institution, journal=journal, starts_on=datetime.date(2020, 1, 1)
    )
    url = f"/api/v1/entitlements?doi={article.doi}"
    campus = client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.5").json()
    assert campus["has_access"] is True and campus["reason"] == "licence"
    assert campus["institution"] == "Demo University"
    assert campus["full_text"].endswith(f"/doi/full/{article.doi}")
    away = client.get(url, HTTP_X_FORWARDED_FOR="192.0.2.1").json()
    assert away["has_access"] is False and away["reason"] == "no_license"
    assert away["full_text"] is None
    assert client.get("/api/v1/entitlements").status_code == 400
    assert client.get("/api/v1/entitlements?doi=10.5555/none").status_code == 404
