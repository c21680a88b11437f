"""The demo's reference receiver (simulators/casemanagement) as an API
client with a webhook subscription: a fresh token and signing secret on every
start, written to a file only the simulator reads (the token is otherwise
never stored in clear). Demo only."""

import json
import os
from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from etjanst.eservices.models import EService
from etjanst.integrations import actions
from etjanst.integrations.constants import Permission
from etjanst.integrations.models import ApiClient, WebhookEndpoint

NAME = "Referenssystemet (demo)"


class Command(BaseCommand):
    help = "Make (or renew) the demo API client for the reference receiver (demo only)."

    def add_arguments(self, parser):
        parser.add_argument("--hook", default="http://127.0.0.1:8767/hook")
        parser.add_argument("--api", default="http://127.0.0.1:8000/api/v1")
        parser.add_argument("--write", default="var/casemanagement/credentials.json")

    @transaction.atomic
    def handle(self, *args, hook: str, api: str, write: str, **options):
        client = ApiClient.objects.filter(name=NAME, revoked_at__isnull=True).first()
        permissions = [Permission.READ_CASES, Permission.DELIVERIES]
        if client is None:
            client, token = actions.create_client(
                name=NAME,
                permissions=permissions,
                eservices=EService.objects.all(),
                contact_email="it@exempelby.se",
            )
        else:
            token = actions.rotate_token(client=client, overlap=timedelta(0))
        endpoint = WebhookEndpoint.objects.filter(client=client, url=hook).first()
        if endpoint is None:
            endpoint, secret = actions.add_endpoint(client=client, url=hook)
        else:
            actions.change_endpoint(
                endpoint=endpoint,
                event_types=endpoint.event_types,
                delivered_on_2xx=endpoint.delivered_on_2xx,
                enabled=True,
            )
            secret = actions.rotate_endpoint_secret(endpoint=endpoint, overlap=timedelta(0))
        path = Path(write)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            json.dump({"api": api, "token": token, "secret": secret}, file)
        self.stdout.write(f"{NAME}: nyckel och hemlighet i {path}")
