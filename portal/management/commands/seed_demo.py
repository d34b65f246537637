from django.core.management import BaseCommand
from django.db import transaction

from portal.services import user_create_verified, user_make_tutor

DEMO_ACCOUNTS = [
    # (role, email, password, full name)
    ("trainee", "trainee@example.com", "trainee-demo-2026", "Tara Trainee"),
    ("tutor", "tutor@example.com", "tutor-demo-2026", "Dr Gillian Tober (demo account)"),
    ("admin", "admin@example.com", "admin-demo-2026", "Ada Admin"),
]


class Command(BaseCommand):
    help = "Create the demo trainee, tutor and admin (idempotent) and print how to sign in."

    @transaction.atomic
    def handle(self, *args, **options):
        from modules.models import Tutor

        for role, email, password, name in DEMO_ACCOUNTS:
            user = user_create_verified(
                email=email,
                password=password,
                full_name=name,
                is_staff=role == "admin",
                is_superuser=role == "admin",
            )
            if role == "tutor":
                user_make_tutor(user=user)
                # The demo tutor reviews as the module's first tutor.
                Tutor.objects.filter(slug="gillian-tober", user__isnull=True).update(user=user)
        from portal.hooks import seed_demo_content

        seed_demo_content(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo accounts (local use only):"))
        for role, email, password, _name in DEMO_ACCOUNTS:
            self.stdout.write(f"  {role:<8} {email:<22} password: {password}")
