"""A reference receiver: a very small case-management system that gets
Etjänst's webhooks, checks each signature (the `standardwebhooks` library),
handles each `webhook-id` once, pulls the new case over the API and
confirms delivery with its own id. For the demo and the tests; it imports
nothing of Etjänst and talks to it only over HTTP.

    python -m etjanst.simulators.casemanagement --port 8767 \\
        --api http://127.0.0.1:8000/api/v1 --token etj_… --secret whsec_…

(or `--credentials file.json` with "api", "token" and "secret", as the demo
writes it). What it has received: `GET /` on its port (JSON), and with
`--folder`, one line per handled event in `received.jsonl` there.
"""

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class CaseManagementSystem:
    def __init__(
        self, *, api: str, token: str, secret: str, name: str = "REF", folder: Path | None = None
    ) -> None:
        self.api = api.rstrip("/")
        self.token = token
        self.secret = secret
        self.name = name
        self.cases: dict[int, dict] = {}  # case id → the case as pulled
        self.handled: list[str] = []  # webhook ids, in the order handled
        self.rejected = 0
        self.log: list[dict] = []  # what it handled, newest last
        self.folder = folder
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
            own_id = None
            if event["type"] == "se.etjanst.case.submitted":
                own_id = self._take(event["data"]["case_id"])
            self.handled.append(headers["webhook-id"])
            self._note(headers["webhook-id"], event, own_id)
        return 204

    def _note(self, webhook_id: str, event: dict, own_id: str | None) -> None:
        entry = {
            "received_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "webhook_id": webhook_id,
            "type": event["type"],
            "case_id": event["data"]["case_id"],
            "registration_number": event["data"].get("registration_number"),
            "status": event["data"].get("status"),
            "confirmed_as": own_id,
        }
        self.log.append(entry)
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            with (self.folder / "received.jsonl").open("a", encoding="utf-8") as file:
                file.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def overview(self) -> dict:
        with self._lock:
            return {
                "system": self.name,
                "handled": len(self.handled),
                "rejected_signatures": self.rejected,
                "cases": {
                    case_id: {
                        "registration_number": case.get("registration_number"),
                        "eservice": (case.get("eservice") or {}).get("name"),
                        "answers": len(case.get("answers") or []),
                        "attachments": len(case.get("attachments") or []),
                    }
                    for case_id, case in self.cases.items()
                },
                "events": self.log[-100:],
            }

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
        return own_id


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

        def do_GET(self):
            body = json.dumps(system.overview(), ensure_ascii=False, indent=2).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--api")
    parser.add_argument("--token")
    parser.add_argument("--secret")
    parser.add_argument("--credentials", type=Path, help="JSON with api, token and secret")
    parser.add_argument("--folder", type=Path, help="write received.jsonl here")
    parser.add_argument("--name", default="REF", help="prefix of the ids it confirms with")
    args = parser.parse_args()
    given = {"api": args.api, "token": args.token, "secret": args.secret}
    if args.credentials:
        given = {
            **json.loads(args.credentials.read_text()),
            **{k: v for k, v in given.items() if v},
        }
    missing = [name for name, value in given.items() if not value]
    if missing:
        parser.error("missing: " + ", ".join(f"--{name}" for name in missing))
    system = CaseManagementSystem(**given, name=args.name, folder=args.folder)
    server = start(system, port=args.port)
    print(f"Receiving webhooks on http://127.0.0.1:{server.server_port}/hook", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
