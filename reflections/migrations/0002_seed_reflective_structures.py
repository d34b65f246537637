from django.db import migrations


def seed(apps, schema_editor):
    from reflections.structures import seed_structures

    seed_structures(apps.get_model("reflections", "ReflectionTemplate"))


class Migration(migrations.Migration):
    dependencies = [
        ("reflections", "0001_reflections_versions_structures_feedback"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
