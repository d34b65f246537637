from django.core.management.base import BaseCommand, CommandError

from modules.models import Module

from ...services import summaries_refresh, summaries_refresh_all


class Command(BaseCommand):
    help = "Recount the course dashboard's summaries now (every module, or one by its slug)."

    def add_arguments(self, parser):
        parser.add_argument("--module", help="the slug of one module")

    def handle(self, *args, module=None, **options):
        if module:
            found = Module.objects.filter(slug=module).first()
            if found is None:
                raise CommandError(f"No module with the slug {module!r}.")
            states = [summaries_refresh(module=found)]
        else:
            states = summaries_refresh_all()
        for state in states:
            self.stdout.write(f"{state.module.slug}: {state.rows} counts in {state.took_ms} ms")
