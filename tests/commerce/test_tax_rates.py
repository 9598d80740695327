"""The rate table: shipped as a file, loaded by the migration and the command, edited by staff."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from masthead.commerce import tax
from masthead.commerce.models import TaxRate
from masthead.commerce.tax_rates import CSV_PATH, load_rates, rates_for, read_csv

pytestmark = pytest.mark.django_db

SHIPPED = read_csv()


def table() -> list[tuple]:
    return list(
        TaxRate.objects.order_by("country", "category", "valid_from").values_list(
            "country", "category", "rate_bp", "valid_from", "valid_to", "name", "note"
        )
    )


def test_the_migration_loaded_the_shipped_table():
    assert TaxRate.objects.filter(country="DE").exists()
    assert TaxRate.objects.count() == len(SHIPPED)


def test_loading_twice_changes_nothing_the_second_time():
    TaxRate.objects.all().delete()
    first = load_rates()
    assert (first.created, first.updated, first.unchanged) == (len(SHIPPED), 0, 0)
    loaded = table()
    again = load_rates()
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(SHIPPED))
    assert table() == loaded


def test_a_rate_edited_by_staff_is_what_checkout_reads():
    TaxRate.objects.filter(country="DE", valid_to=None).update(rate_bp=1900, name="USt")
    [rate] = rates_for("de", date(2026, 3, 2))
    assert (rate.rate_bp, rate.name) == (1900, "USt")
    # Loading the file again puts the shipped rate back, and says so.
    assert load_rates().updated == 1
    assert rates_for("DE", date(2026, 3, 2))[0].rate_bp == 700


def test_rates_for_reads_the_day_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        rates = rates_for("DE", date(2020, 7, 1))
    assert rates == [tax.Rate("DE", "e-publication", 500, date(2020, 7, 1), date(2020, 12, 31))]
    assert rates_for("US", date(2026, 3, 2)) == []


def test_checkout_quote_over_the_shipped_table():
    day = date(2026, 3, 2)
    evidence = tax.Evidence("DE", "DE")
    q = tax.quote(tax.SellerTerms("DE"), evidence, day, rates_for("DE", day))
    assert (q.label, q.tax_on(5300)) == ("VAT 7% (DE)", 371)
    uk = tax.quote(tax.SellerTerms("DE"), tax.Evidence("GB"), day, rates_for("GB", day))
    assert (uk.rate_bp, uk.label) == (0, "Zero-rated (UK e-publications)")


def test_command_reports_counts(tmp_path):
    out = StringIO()
    call_command("load_tax_rates", stdout=out)
    assert out.getvalue().strip() == f"created: 0, updated: 0, unchanged: {len(SHIPPED)}"

    edited = tmp_path / "rates.csv"
    text = CSV_PATH.read_text(encoding="utf-8")
    edited.write_text(text.replace("FR,e-publication,550,", "FR,e-publication,210,"))
    out = StringIO()
    call_command("load_tax_rates", "--file", str(edited), stdout=out)
    assert out.getvalue().strip() == f"created: 0, updated: 1, unchanged: {len(SHIPPED) - 1}"
    assert TaxRate.objects.get(country="FR").rate_bp == 210


def test_shipped_table_covers_every_member_state_once_a_day():
    day = date(2026, 6, 1)
    rates = [tax.Rate(**{k: v for k, v in row.items() if k != "note"}) for row in SHIPPED]
    for country in tax.EU_COUNTRIES:
        in_force = [r for r in rates if r.country == country and r.valid_from <= day]
        in_force = [r for r in in_force if r.valid_to is None or day <= r.valid_to]
        assert len(in_force) == 1, country
    assert tax.select_rate(rates, "US", "e-publication", day) is None
    assert tax.select_rate(rates, "CH", "e-publication", date(2023, 12, 31)).rate_bp == 250


def test_shipped_periods_do_not_overlap():
    by_key: dict[tuple, list] = {}
    for row in SHIPPED:
        by_key.setdefault((row["country"], row["category"]), []).append(row)
    for rows in by_key.values():
        rows.sort(key=lambda r: r["valid_from"])
        for earlier, later in zip(rows, rows[1:], strict=False):
            assert earlier["valid_to"] is not None, earlier
            assert earlier["valid_to"] < later["valid_from"], later
