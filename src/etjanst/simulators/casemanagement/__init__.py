"""A reference receiver: a very small case-management system that gets
Etjänst's webhooks, checks each signature (the `standardwebhooks` library),
handles each `webhook-id` once, pulls the new case over the API and
confirms delivery with its own id. For the demo and the tests; it imports
nothing of Etjänst and talks to it only over HTTP.

    python -m etjanst.simulators.casemanagement --port 8767 \\
        --api http://127.0.0.1:8000/api/v1 --token etj_… --secret whsec_…
"""

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class CaseManagementSystem:
    def __init__(self, *, api: str, token: str, secret: str, name: str = "REF") -> None:
        self.api = api.rstrip("/")
        self.token = token
        self.secret = secret
        self.name = name
        self.cases: dict[int, dict] = {}  # case id → the case as pulled
        self.handled: list[str] = []  # webhook ids, in the order handled
        self.rejected = 0
        self._lock = threading.Lock()

    def handle(self, body: bytes, headers: dict[str, str]) -> int:
        """One webhook: 204 when handled (or already handled), 401 for a bad signature."""
        try:
            Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError:
            self.rejected += 1
            return 401
        event = json.loads(body)
        with self._lock:
            if headers["webhook-id"] in self.handled:
                return 204  # a retry of one already handled
            if event["type"] == "se.etjanst.case.submitted":
                self._take(event["data"]["case_id"])
            self.handled.append(headers["webhook-id"])
        return 204

    def _take(self, case_id: int) -> None:
        auth = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(timeout=10) as http:
            case = http.get(f"{self.api}/cases/{case_id}", headers=auth)
            case.raise_for_status()
            own_id = f"{self.name}-{case_id}"
            http.put(
                f"{self.api}/cases/{case_id}/delivery", headers=auth, json={"external_id": own_id}
            ).raise_for_status()
        self.cases[case_id] = case.json()


def start(system: CaseManagementSystem, *, port: int = 0) -> ThreadingHTTPServer:
    """Serve the system's webhook endpoint (`/hook`) on a loopback port."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            try:
                status = system.handle(body, {k.lower(): v for k, v in self.headers.items()})
            except httpx.HTTPError:
                status = 503  # Etjänst tries again later
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--api", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()
    system = CaseManagementSystem(api=args.api, token=args.token, secret=args.secret)
    server = start(system, port=args.port)
    print(f"Receiving webhooks on http://127.0.0.1:{server.server_port}/hook")
    threading.Event().wait()


if __name__ == "__main__":
    main()
