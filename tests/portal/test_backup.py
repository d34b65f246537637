"""Back up, wipe, restore: the same rows and the same text, table by table.

The suite runs once on SQLite and once on PostgreSQL (DATABASE_URL), so both kinds of
backup are tested: SQLite's online backup API and pg_dump/pg_restore. The data must be
committed for pg_dump (another process) to see it, hence transactional_db.
"""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from portal.backup import backup_kind, manifest_path, table_checksums
from reflections.models import Reflection, RenderedPdf
from reflections.services import reflection_create, reflection_save

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "Ünïcödé, quotes ' \" and a backslash \\, emoji 🙂, a tab\tand\nnew lines.\n\n## Heading"


def wipe() -> None:
    """Drop every table: the worst case short of losing the server itself."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor, include_views=False)
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")
        else:
            for table in tables:
                cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    with connection.cursor() as cursor:
        assert connection.introspection.table_names(cursor) == []


@pytest.fixture
def some_data(content, trainee):
    reflection = reflection_create(author=trainee, title="Before the backup", body=TEXT)
    reflection_save(
        reflection=reflection,
        by=trainee,
        expected_version=1,
        title="Saved twice",
        body=TEXT + "\nsecond version",
        cpd_minutes=45,
    )
    # Binary data too (a saved reflection's PDF layout, made as it was committed).
    RenderedPdf.objects.update_or_create(
        reflection=reflection, defaults={"key": "k" * 64, "pages": 1, "pdf": bytes(range(256))}
    )
    return reflection


def test_backup_wipe_restore_gives_the_same_rows_and_text(tmp_path, some_data):
    before = table_checksums()
    assert before["reflections_reflection"]["rows"] == 1
    assert before["reflections_reflectionversion"]["rows"] == 2
    assert before["topics_task"]["rows"] == 12
    path = tmp_path / "portal.backup"
    out = StringIO()
    call_command("backup", str(path), stdout=out)
    assert f"Backed up {len(before)} tables" in out.getvalue()
    assert backup_kind(path) == connection.vendor
    manifest = json.loads(manifest_path(path).read_text())
    assert manifest["vendor"] == connection.vendor
    assert manifest["tables"] == before

    wipe()
    out = StringIO()
    call_command("restore", str(path), "--noinput", stdout=out)
    assert "every table matches its checksum" in out.getvalue()
    assert table_checksums() == before

    restored = Reflection.objects.get(pk=some_data.pk)
    assert (restored.title, restored.body, restored.version) == (
        "Saved twice",
        TEXT + "\nsecond version",
        2,
    )
    assert list(restored.versions.values_list("body", flat=True)) == [
        TEXT + "\nsecond version",
        TEXT,
    ]
    assert bytes(RenderedPdf.objects.get(reflection=restored).pdf) == bytes(range(256))
    # The database works on after the restore: new rows take new ids.
    again = reflection_create(author=restored.author, title="After the restore", body="x")
    assert again.pk > restored.pk


def test_restore_over_changed_data_brings_back_the_backup(tmp_path, some_data):
    before = table_checksums()
    path = tmp_path / "portal.backup"
    call_command("backup", str(path), stdout=StringIO())
    Reflection.objects.filter(pk=some_data.pk).update(body="Changed after the backup")
    reflection_create(author=some_data.author, title="New after the backup", body="")
    assert table_checksums() != before
    call_command("restore", str(path), "--noinput", stdout=StringIO())
    assert table_checksums() == before
    assert not Reflection.objects.filter(title="New after the backup").exists()


def test_a_restore_that_does_not_match_its_manifest_says_which_tables(tmp_path, some_data):
    path = tmp_path / "portal.backup"
    call_command("backup", str(path), stdout=StringIO())
    manifest = json.loads(manifest_path(path).read_text())
    manifest["tables"]["reflections_reflection"]["sha256"] = "0" * 64
    manifest_path(path).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="reflections_reflection: 1 rows, expected 1"):
        call_command("restore", str(path), "--noinput", stdout=StringIO())


def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(tmp_path, some_data):
    before = table_checksums()
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    with pytest.raises(CommandError, match="is not a backup made by"):
        call_command("restore", str(junk), "--noinput")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.dump"), "--noinput")
    other = tmp_path / "other.backup"
    other.write_bytes(
        b"PGDMP\x01\x0e" if connection.vendor == "sqlite" else b"SQLite format 3\x00" + b"\0" * 84
    )
    with pytest.raises(CommandError, match="backup; this portal's database is"):
        call_command("restore", str(other), "--noinput")
    assert table_checksums() == before


def test_restore_asks_first(tmp_path, some_data, monkeypatch):
    path = tmp_path / "portal.backup"
    call_command("backup", str(path), stdout=StringIO())
    Reflection.objects.filter(pk=some_data.pk).update(title="Kept")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Restore cancelled"):
        call_command("restore", str(path))
    assert Reflection.objects.get(pk=some_data.pk).title == "Kept"


def test_backup_by_default_goes_under_backups(settings, tmp_path, db):
    settings.BASE_DIR = tmp_path
    out = StringIO()
    call_command("backup", stdout=out)
    files = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert len(files) == 2 and files[1].endswith(".manifest.json")
    assert files[0].endswith(".sqlite3" if connection.vendor == "sqlite" else ".dump")
    assert "Backed up" in out.getvalue()


def test_checksums_see_a_one_character_change(some_data):
    before = table_checksums()
    Reflection.objects.filter(pk=some_data.pk).update(body=TEXT + "\nsecond versioN")
    after = table_checksums()
    assert after["reflections_reflection"]["rows"] == before["reflections_reflection"]["rows"]
    assert after["reflections_reflection"]["sha256"] != before["reflections_reflection"]["sha256"]
    assert {t: v for t, v in after.items() if t != "reflections_reflection"} == {
        t: v for t, v in before.items() if t != "reflections_reflection"
    }
