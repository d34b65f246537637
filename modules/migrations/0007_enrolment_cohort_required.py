import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("modules", "0006_default_cohorts")]

    operations = [
        migrations.AlterField(
            model_name="enrolment",
            name="cohort",
            field=models.ForeignKey(
                help_text="Move a trainee with the admin's “Move to another cohort” action, "
                "so their debate contributions move with them.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enrolments",
                to="modules.cohort",
            ),
        ),
    ]
