from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from portal.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the portal's database while it runs: pg_dump's custom format on "
        "PostgreSQL, SQLite's online backup on SQLite. A manifest with each table's row "
        "count and checksum is written beside the file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="Where to write the backup (default: backups/portal-<date>-<time>.dump or "
            ".sqlite3 under the project).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path: str | None = None, database: str, **options):
        vendor = connections[database].vendor
        if path is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            suffix = ".sqlite3" if vendor == "sqlite" else ".dump"
            target = Path(settings.BASE_DIR) / "backups" / f"portal-{stamp}{suffix}"
        else:
            target = Path(path)
        try:
            manifest = backup(target, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {len(manifest.tables)} tables ({manifest.row_count} rows) of the "
                f"{vendor} database to {target}"
            )
        )
