from django.core.management.base import BaseCommand, CommandError

from analytics.progress import ProgressBar
from analytics.seeding import demo_seed


class Command(BaseCommand):
    help = "Generate realistic demo history: tickets, their events and the rollups, fast (COPY on PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=10_000, help="How many tickets (default 10,000).")
        parser.add_argument("--days", type=int, default=90, help="Spread over this many past days (default 90).")
        parser.add_argument("--seed", type=int, default=5, help="Random seed, for repeatable data.")

    def handle(self, *args, tickets: int, days: int, seed: int, **options):
        if tickets < 1:
            raise CommandError("--tickets must be at least 1.")
        if not 1 <= days <= 3650:
            raise CommandError("--days must be between 1 and 3650.")
        bar = ProgressBar(total=tickets, label="tickets", stream=self.stderr)
        result = demo_seed(tickets=tickets, days=days, seed=seed, progress=bar.update)
        bar.finish(result["tickets"])
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {result['tickets']:,} tickets and {result['events']:,} events over {days} days.")
        )
