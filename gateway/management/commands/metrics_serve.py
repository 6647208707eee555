"""Serve /metrics on its own address (e.g. a private interface), apart from the public web port."""

import os
import threading

from django.core.management.base import BaseCommand
from prometheus_client import CollectorRegistry, multiprocess, start_http_server


def metrics_server_start(*, address: str, port: int):
    """Start the Prometheus exposition server in a thread; returns (server, thread)."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    return start_http_server(port, addr=address, registry=registry)


class Command(BaseCommand):
    help = "Serve the Prometheus metrics of every process on a separate bind (METRICS_BIND, default 127.0.0.1:9100)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("METRICS_BIND", "127.0.0.1:9100"))

    def handle(self, *args, bind: str, **options):
        address, _, port = bind.rpartition(":")
        server, thread = metrics_server_start(address=address or "127.0.0.1", port=int(port))
        self.stdout.write(f"metrics on http://{bind}/metrics")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            server.shutdown()
