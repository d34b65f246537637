"""Each argument, reply and stance goes to its author's cohort in the module (anyone not
enrolled, a tutor say, to the module's first cohort), and the stance counts are recounted
per cohort."""

import secrets
from collections import defaultdict

from django.db import migrations

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def forwards(apps, schema_editor):
    Argument = apps.get_model("debates", "Argument")
    Stance = apps.get_model("debates", "Stance")
    DebateTally = apps.get_model("debates", "DebateTally")
    Motion = apps.get_model("topics", "Motion")
    Cohort = apps.get_model("modules", "Cohort")
    Enrolment = apps.get_model("modules", "Enrolment")
    ModuleTutor = apps.get_model("modules", "ModuleTutor")

    module_of = dict(Motion.objects.values_list("pk", "task__topic__module_id"))
    cohort_of = {
        (user_id, module_id): cohort_id
        for user_id, module_id, cohort_id in Enrolment.objects.values_list(
            "user_id", "module_id", "cohort_id"
        )
    }
    first_cohort: dict[int, int] = {}

    def fallback(module_id: int) -> int:
        if module_id not in first_cohort:
            cohort = Cohort.objects.filter(module_id=module_id).order_by("pk").first()
            if cohort is None:
                cohort = Cohort.objects.create(
                    module_id=module_id, name="All trainees", is_open=True,
                    enrolment_code="".join(secrets.choice(ALPHABET) for _ in range(8)),
                )  # fmt: skip
                cohort.tutors.set(
                    list(ModuleTutor.objects.filter(module_id=module_id).values_list(
                        "tutor_id", flat=True))
                )  # fmt: skip
            first_cohort[module_id] = cohort.pk
        return first_cohort[module_id]

    for model, author in ((Argument, "author_id"), (Stance, "user_id")):
        groups = defaultdict(list)
        for pk, motion_id, user_id in model.objects.values_list("pk", "motion_id", author):
            module_id = module_of[motion_id]
            cohort_id = cohort_of.get((user_id, module_id)) or fallback(module_id)
            groups[cohort_id].append(pk)
        for cohort_id, pks in groups.items():
            for start in range(0, len(pks), 500):
                model.objects.filter(pk__in=pks[start : start + 500]).update(cohort_id=cohort_id)
    # A reply sits in its thread's cohort.
    for pk, cohort_id in Argument.objects.filter(parent__isnull=True).values_list("pk", "cohort_id"):
        Argument.objects.filter(parent_id=pk).exclude(cohort_id=cohort_id).update(cohort_id=cohort_id)

    DebateTally.objects.all().delete()
    counts = defaultdict(lambda: defaultdict(int))
    stances = {}
    for motion_id, cohort_id, user_id, phase, position in Stance.objects.values_list(
        "motion_id", "cohort_id", "user_id", "phase", "position"
    ):
        counts[(motion_id, cohort_id)][f"{phase}_{position}"] += 1
        stances[(motion_id, user_id, phase)] = (cohort_id, position)
    for (motion_id, user_id, phase), (cohort_id, position) in stances.items():
        if phase != "after":
            continue
        before = stances.get((motion_id, user_id, "before"))
        if before is not None:
            counts[(motion_id, cohort_id)]["both"] += 1
            counts[(motion_id, cohort_id)]["changed"] += int(before[1] != position)
    DebateTally.objects.bulk_create(
        DebateTally(motion_id=motion_id, cohort_id=cohort_id, **fields)
        for (motion_id, cohort_id), fields in counts.items()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("debates", "0003_per_cohort"),
        ("modules", "0007_enrolment_cohort_required"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
