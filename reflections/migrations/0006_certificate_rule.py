from django.db import migrations, models


class Migration(migrations.Migration):
    """Certificates made before evidence was required say so: they are marked as issued
    under the old rule (the default given to existing rows here), and their page and PDF
    say what that means."""

    dependencies = [
        ("reflections", "0005_reflection_module_index_in_review_queue"),
        ("modules", "0004_certificate_evidence_rule"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="rule",
            field=models.CharField(
                choices=[
                    ("evidence", "every task completed; every task's reflection reviewed by a tutor; every learning outcome evidenced by a reviewed reflection"),
                    ("reviewed", "every task completed; every task's reflection reviewed by a tutor; learning outcomes not each evidenced"),
                    ("outcomes", "every task completed; every learning outcome evidenced by a reviewed reflection; reflections not all reviewed"),
                    ("tasks", "tasks completed; reflections not reviewed"),
                    ("old", "issued under the old rule: tasks completed; reflections and learning outcomes were not checked"),
                ],
                default="old",
                help_text="What the certificate attests, fixed by the module's rule when it was made.",
                max_length=10,
                verbose_name="attests",
            ),
            preserve_default=False,
        ),
    ]
