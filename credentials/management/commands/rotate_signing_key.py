from django.core.management.base import BaseCommand

from credentials.keys import signing_key_create


class Command(BaseCommand):
    help = (
        "Make a new signing key for Open Badges; it signs every credential from now on. "
        "Older keys are retired, not deleted: credentials they signed keep verifying."
    )

    def handle(self, *args, **options):
        key = signing_key_create()
        self.stdout.write(f"New signing key {key.key_id}; older keys retired.")
