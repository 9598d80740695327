"""The six worker loops (process_usage --loop, ...) became jobs of `masthead worker`, which
beats as "worker": their old heartbeats would read as stopped workers forever."""

from django.db import migrations


def forget_loop_heartbeats(apps, schema_editor):
    apps.get_model("ops", "WorkerHeartbeat").objects.exclude(name="worker").delete()


class Migration(migrations.Migration):
    dependencies = [("ops", "0001_initial")]
    operations = [migrations.RunPython(forget_loop_heartbeats, migrations.RunPython.noop)]
