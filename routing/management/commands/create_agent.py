import secrets

from django.core.management.base import BaseCommand, CommandError

from routing.services import RoutingError, agent_create


class Command(BaseCommand):
    help = (
        "Create an agent: a staff user in the Agents group who is a member of the given departments. "
        "Idempotent: for an existing user, adds the missing memberships (and sets the password if given)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--department", action="append", required=True, dest="departments", metavar="SLUG",
            help="A department slug; repeat for several departments.",
        )
        parser.add_argument("--password", default=None, help="Without it, a new user gets a generated password.")
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, departments: list[str], password: str | None, email: str, **options):
        from django.contrib.auth import get_user_model

        exists = get_user_model().objects.filter(username=username).exists()
        generated = None
        if password is None and not exists:
            generated = password = secrets.token_urlsafe(12)
        try:
            user, created = agent_create(
                username=username, department_slugs=departments, password=password, email=email
            )
        except RoutingError as error:
            raise CommandError(str(error)) from error
        slugs = ", ".join(sorted(user.department_memberships.values_list("department__slug", flat=True)))
        if created:
            self.stdout.write(f"Created agent '{username}' in: {slugs}.")
        else:
            self.stdout.write(f"Agent '{username}' exists; departments now: {slugs}.")
        if generated:
            # Printed once: it is stored only as a hash.
            self.stdout.write(self.style.WARNING(f"Password for '{username}': {generated}"))
        elif password and not created:
            self.stdout.write(f"Password for '{username}' updated.")
