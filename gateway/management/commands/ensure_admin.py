import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from environ import Env


class Command(BaseCommand):
    help = "Make sure an admin user exists (DJANGO_SUPERUSER_USERNAME / DJANGO_SUPERUSER_PASSWORD)."

    def handle(self, *args, **options):
        env = Env()
        username = env("DJANGO_SUPERUSER_USERNAME", default="admin")
        password = env("DJANGO_SUPERUSER_PASSWORD", default="")
        email = env("DJANGO_SUPERUSER_EMAIL", default=f"{username}@example.com")
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None:
            if password and not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
                self.stdout.write(f"Admin user '{username}': password updated from DJANGO_SUPERUSER_PASSWORD.")
            else:
                self.stdout.write(f"Admin user '{username}' exists.")
            return
        generated = not password
        password = password or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email=email, password=password)
        if generated:
            # Printed once: it is stored only as a hash.
            self.stdout.write(self.style.WARNING(f"Created admin user '{username}' with password: {password}"))
        else:
            self.stdout.write(f"Created admin user '{username}' with the password from DJANGO_SUPERUSER_PASSWORD.")
