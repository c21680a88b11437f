"""A webhook receiver on a free loopback port for the tests: it checks each
signature with the `standardwebhooks` library and answers what it is told."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self, tls=None):
        """`tls`: an ssl.SSLContext to serve https with."""
        self.secret = None
        self.answers: list[tuple[int, dict]] = []  # (status, headers) to give, in turn
        self.received: list[dict] = []  # verified deliveries
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, extra = receiver.answers.pop(0) if receiver.answers else (204, {})
                try:
                    Webhook(receiver.secret).verify(body, headers)
                except WebhookVerificationError:
                    receiver.bad_signatures += 1
                    status = 401
                else:
                    receiver.received.append(
                        {
                            "id": headers["webhook-id"],
                            "status": status,
                            "body": json.loads(body),
                            "host": headers.get("host"),
                        }
                    )
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def handled(self) -> list[dict]:
        """What the receiver's own handling saw: each webhook-id once, accepted only."""
        seen, out = set(), []
        for item in self.received:
            if 200 <= item["status"] < 300 and item["id"] not in seen:
                seen.add(item["id"])
                out.append(item)
        return out

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
