"""Load the shipped tax rate table (commerce/data/tax_rates.csv)."""

from django.db import migrations

from masthead.commerce.tax_rates import load_rates


def load(apps, schema_editor):
    load_rates(apps.get_model("commerce", "TaxRate"))


class Migration(migrations.Migration):

    dependencies = [
        ("commerce", "0002_sales"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
