import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("debates", "0004_cohorts_filled")]

    operations = [
        migrations.AlterField(
            model_name="argument",
            name="cohort",
            field=models.ForeignKey(
                help_text="Each cohort debates the motion among itself.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="debate_arguments",
                to="modules.cohort",
            ),
        ),
        migrations.AlterField(
            model_name="stance",
            name="cohort",
            field=models.ForeignKey(
                help_text="The trainee's cohort: each cohort's shift of opinion is its own.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="debate_stances",
                to="modules.cohort",
            ),
        ),
        migrations.AlterField(
            model_name="debatetally",
            name="cohort",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="debate_tallies",
                to="modules.cohort",
            ),
        ),
    ]
