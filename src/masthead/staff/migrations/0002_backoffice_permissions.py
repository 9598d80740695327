"""The custom permissions that open the back-office areas: usage.view_backoffice and
commerce.view_backoffice (the list is roles.AREAS; frozen here as migrations must be)."""

from django.db import migrations

AREAS = (
    ("usage", "event", "view_backoffice", "Can open the usage back office"),
    ("commerce", "order", "view_backoffice", "Can open the sales back office (and refund orders)"),
)


def create(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for app_label, model, codename, name in AREAS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
