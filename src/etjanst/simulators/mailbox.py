"""A local SMTP server for the demo and the tests (aiosmtpd): it keeps every
message it receives, in memory and optionally as .eml files in a folder.

    python -m etjanst.simulators.mailbox --port 1025 --folder var/mail
"""

import argparse
import asyncio
import email
import email.policy
import socket
import threading
import time
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller


class MailboxHandler:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()
        # Fault tests: while held, a message's DATA gets no answer (the
        # sender waits, as with a stalled relay); on release it is refused
        # with 451 and not kept, as a relay that never committed it.
        self.held = threading.Event()
        self.hold_after = 0  # hold only once this many messages were kept
        self.data_waiting = threading.Event()
        if folder:
            folder.mkdir(parents=True, exist_ok=True)

    def hold(self, after: int = 0) -> None:
        """Hold every message's DATA from now on, or only once `after`
        messages have been kept (the first `after` go through)."""
        self.hold_after = after
        self.data_waiting.clear()
        self.held.set()

    def release(self) -> None:
        self.held.clear()

    async def handle_DATA(self, server, session, envelope):
        if self.held.is_set() and len(self.messages) >= self.hold_after:
            self.data_waiting.set()
            while self.held.is_set():
                await asyncio.sleep(0.05)
            return "451 Requested action aborted: try again later"
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        if self.folder:
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{len(self.messages):04}.eml"
            (self.folder / name).write_bytes(envelope.original_content)
            print(
                f"[e-post] till {', '.join(envelope.rcpt_tos)}: {message['Subject']} ({name})",
                flush=True,
            )
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 10) -> list[EmailMessage]:
        """Wait until at least `count` messages have arrived."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
            return list(self.messages)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def start(host: str = "127.0.0.1", port: int = 0, folder: Path | None = None):
    """Start the server in a thread; port 0 picks a free one (controller.port)."""
    handler = MailboxHandler(folder)
    controller = Controller(handler, hostname=host, port=port or free_port(host))
    controller.start()
    return controller, handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--folder", type=Path, default=Path("var/mail"))
    args = parser.parse_args()
    controller, _handler = start(args.host, args.port, args.folder)
    print(
        f"Lokal e-postserver (demo) lyssnar på {args.host}:{args.port}, sparar i {args.folder}/",
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
