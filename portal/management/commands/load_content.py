from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = (
        "Load the course content from fixtures/ the first time. Later runs leave the "
        "content alone, so edits made in the admin are never overwritten (use --force "
        "to reload the fixtures over them)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Reload even if content exists.")

    def handle(self, *args, force: bool = False, **options):
        from modules.models import Module

        if Module.objects.exists() and not force:
            self.stdout.write("Course content already loaded; leaving it as it is.")
            return
        fixtures = sorted(str(path) for path in FIXTURES_DIR.glob("*.json"))
        call_command("loaddata", *fixtures, verbosity=options["verbosity"])
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(fixtures)} fixture file(s)."))
