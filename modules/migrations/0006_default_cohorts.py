"""Every existing enrolment goes into one cohort of its module ("All trainees"), taught by
all of the module's tutors, so nobody sees less than before the cohorts came."""

import secrets

from django.db import migrations

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def forwards(apps, schema_editor):
    Module = apps.get_model("modules", "Module")
    Cohort = apps.get_model("modules", "Cohort")
    Enrolment = apps.get_model("modules", "Enrolment")
    ModuleTutor = apps.get_model("modules", "ModuleTutor")
    for module in Module.objects.filter(enrolments__isnull=False).distinct():
        cohort = Cohort.objects.create(
            module=module,
            name="All trainees",
            is_open=True,
            enrolment_code="".join(secrets.choice(ALPHABET) for _ in range(8)),
        )
        tutor_ids = ModuleTutor.objects.filter(module=module).values_list("tutor_id", flat=True)
        cohort.tutors.set(list(tutor_ids))
        Enrolment.objects.filter(module=module).update(cohort=cohort)


def backwards(apps, schema_editor):
    apps.get_model("modules", "Enrolment").objects.update(cohort=None)
    apps.get_model("modules", "Cohort").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("modules", "0005_cohorts")]

    operations = [migrations.RunPython(forwards, backwards)]
