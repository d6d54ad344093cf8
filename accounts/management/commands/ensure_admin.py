import secrets

from django.core.management.base import BaseCommand

from accounts.models import User


class Command(BaseCommand):
    help = "Create the superuser 'admin' with a generated password, and print it."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--reset", action="store_true", help="Give an existing admin a new password."
        )

    def handle(self, *args, username, reset, **options):
        user = User.objects.filter(username=username).first()
        if user and not reset:
            self.stdout.write(
                f"Admin user '{username}' exists. For a new password: "
                f"python manage.py ensure_admin --reset"
            )
            return
        password = secrets.token_urlsafe(12)
        if user is None:
            user = User(username=username, display_name="Administrator")
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(f"Admin user: {username}   password: {password}   (/admin/)")
        )
