from django.core.management.base import BaseCommand

from analytics.progress import ProgressBar
from analytics.services import rollups_rebuild
from tickets.models import TicketEvent


class Command(BaseCommand):
    help = "Recompute every analytics rollup from the ticket event log (idempotent: run it as often as you like)."

    def handle(self, *args, **options):
        bar = ProgressBar(total=TicketEvent.objects.count(), label="events", stream=self.stderr)
        result = rollups_rebuild(progress=bar.update)
        bar.finish(result["events_read"])
        self.stdout.write(
            self.style.SUCCESS(f"Rebuilt the rollups: {result['events_folded']:,} of {result['events_read']:,} events folded.")
        )
