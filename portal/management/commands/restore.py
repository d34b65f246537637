from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from portal.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the portal's database with a backup made by `manage.py backup`, then "
        "check every table against the backup's manifest. Stop the app servers and "
        "workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file (its .manifest.json beside it).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, path: str, database: str, interactive: bool, **options):
        connection = connections[database]
        name = connection.settings_dict["NAME"]
        if interactive:
            answer = input(
                f"This replaces the data in the {connection.vendor} database {name!s} with "
                f"the backup {path}.\nType 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            manifest, problems = restore(Path(path), using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if manifest is None:
            self.stdout.write(
                self.style.WARNING(f"Restored {path}; it has no manifest to check it against.")
            )
            return
        if problems:
            raise CommandError(
                "Restored, but these tables differ from the backup's manifest:\n  "
                + "\n  ".join(problems)
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {len(manifest.tables)} tables ({manifest.row_count} rows) from "
                f"{path}, made {manifest.created_at}; every table matches its checksum."
            )
        )
