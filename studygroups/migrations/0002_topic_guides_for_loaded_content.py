"""Topic guides (which topic's meeting holds a plan of open meetings; suggested action
items) for a database whose course content was loaded before this app existed. A fresh
database gets them from fixtures/study_guides.json with the rest of the content."""

import json
from pathlib import Path

from django.conf import settings
from django.db import migrations

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "study_guides.json"


def add_guides(apps, schema_editor):
    Topic = apps.get_model("topics", "Topic")
    TopicGuide = apps.get_model("studygroups", "TopicGuide")
    if TopicGuide.objects.exists() or not FIXTURE.exists():
        return
    for row in json.loads(FIXTURE.read_text()):
        fields = dict(row["fields"])
        if Topic.objects.filter(pk=fields["topic"], module__slug="psycho-social-interventions").exists():
            fields["topic_id"] = fields.pop("topic")
            TopicGuide.objects.create(pk=row["pk"], **fields)


class Migration(migrations.Migration):
    dependencies = [("studygroups", "0001_study_groups_memberships_meetings_sharing")]

    operations = [migrations.RunPython(add_guides, migrations.RunPython.noop)]
