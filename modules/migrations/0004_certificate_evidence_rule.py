from django.db import migrations, models


def strict_rule_everywhere(apps, schema_editor):
    """Certificates are earned with evidence from now on: every module takes the strict rule;
    an admin may relax it per module afterwards."""
    Module = apps.get_model("modules", "Module")
    Module.objects.update(require_reviewed_reflections=True, require_outcome_evidence=True)


class Migration(migrations.Migration):
    dependencies = [("modules", "0003_review_turnaround_and_certificate_rule")]

    operations = [
        migrations.AlterField(
            model_name="module",
            name="require_reviewed_reflections",
            field=models.BooleanField(
                default=True,
                help_text="The certificate is made only once each task has a reflection that a "
                "tutor reviewed. Untick to relax the rule; the certificate then says that "
                "reflections were not all reviewed.",
                verbose_name="certificate: every task's reflection reviewed",
            ),
        ),
        migrations.AddField(
            model_name="module",
            name="require_outcome_evidence",
            field=models.BooleanField(
                default=True,
                help_text="The certificate is made only once a tutor has linked at least one "
                "reviewed reflection to each learning outcome. Untick to relax the rule; the "
                "certificate then lists the outcomes without evidence as not evidenced.",
                verbose_name="certificate: every learning outcome evidenced",
            ),
        ),
        migrations.RunPython(strict_rule_everywhere, migrations.RunPython.noop),
    ]
