"""Kombu's file-system transport, with atomic message writes.

Kombu opens the message file under its final name and then writes it; a consumer
polling the folder can move the still-empty file away and crash the worker with
``JSONDecodeError`` (seen in the end-to-end test). Here the message is written under
a name consumers ignore and renamed into place, which is atomic on one file system.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = "{}_{}.{}.msg".format(int(round(monotonic() * 1000)), uuid.uuid4(), queue)
        final = os.path.join(self.data_folder_out, name)
        # Consumers only take files whose name ends in ".<queue>.msg".
        partial = final + ".part"
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


def register() -> None:
    """Make ``filesystem://`` URLs use this transport."""
    TRANSPORT_ALIASES["filesystem"] = "ticketsystem.filesystem_broker:Transport"
