"""The evidence rule's migration: existing certificates stay valid and are marked as made
under the old rule; every module takes the strict rule."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.models import User

BEFORE = [("modules", "0003_review_turnaround_and_certificate_rule"),
          ("reflections", "0005_reflection_module_index_in_review_queue")]  # fmt: skip
AFTER = [("modules", "0004_certificate_evidence_rule"), ("reflections", "0006_certificate_rule")]


@pytest.mark.django_db(transaction=True)
def test_existing_certificates_are_marked_old_rule():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Module = apps.get_model("modules", "Module")
    Certificate = apps.get_model("reflections", "Certificate")
    user = User.objects.create(email="old@example.com")  # the user table is not migrated here
    module = Module.objects.create(slug="old-module", title="Old module")
    assert module.require_reviewed_reflections is False
    Certificate.objects.create(
        user_id=user.pk,
        module=module,
        code="c" * 24,
        holder_name="Old",
        module_title="Old module",
        completed_on=datetime.date(2026, 3, 1),
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    certificate = apps.get_model("reflections", "Certificate").objects.get()
    assert certificate.rule == "old"
    module = apps.get_model("modules", "Module").objects.get(slug="old-module")
    assert module.require_reviewed_reflections and module.require_outcome_evidence
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
