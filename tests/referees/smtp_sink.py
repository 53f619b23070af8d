"""A real SMTP server on localhost for the tests: it accepts mail, refuses the recipients it is
told to refuse (550 at RCPT TO, as a receiving server does for an unknown mailbox), defers those
it is told to defer (451, "try again later", as a greylisting server does) and keeps what it
accepted."""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Sink:
    refused: set[str]
    host: str = "127.0.0.1"
    port: int = 0
    accepted: list[tuple[list[str], str]] = field(default_factory=list)
    deferred: set[str] = field(default_factory=set)
    # Seconds each message takes to be taken, so that concurrent senders overlap.
    delay: float = 0.0


def _handler(sink: Sink) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write((line + "\r\n").encode())

        def handle(self) -> None:
            recipients: list[str] = []
            self.reply("220 sink ESMTP")
            while True:
                raw = self.rfile.readline()
                if not raw:
                    return
                command = raw.decode("utf-8", "replace").strip()
                verb = command.split(" ", 1)[0].upper()
                if verb in ("EHLO", "HELO"):
                    self.reply("250 sink")
                elif verb == "MAIL":
                    recipients = []
                    self.reply("250 OK")
                elif verb == "RCPT":
                    address = command.split(":", 1)[1].strip().strip("<>").lower()
                    if address in sink.refused:
                        self.reply("550 5.1.1 mailbox unavailable")
                    elif address in sink.deferred:
                        self.reply("451 4.7.1 greylisted, try again later")
                    else:
                        recipients.append(address)
                        self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 go ahead")
                    lines = []
                    while True:
                        line = self.rfile.readline()
                        if line in (b".\r\n", b".\n", b""):
                            break
                        lines.append(line.decode("utf-8", "replace"))
                    time.sleep(sink.delay)
                    sink.accepted.append((recipients, "".join(lines)))
                    self.reply("250 OK queued")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("250 OK")

    return Handler


@contextmanager
def smtp_sink(
    refused: set[str], deferred: frozenset[str] = frozenset(), delay: float = 0.0
) -> Iterator[Sink]:
    sink = Sink(
        refused={address.lower() for address in refused},
        deferred={address.lower() for address in deferred},
        delay=delay,
    )
    server = socketserver.ThreadingTCPServer((sink.host, 0), _handler(sink))
    server.daemon_threads = True
    sink.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()
