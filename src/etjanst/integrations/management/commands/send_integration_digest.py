"""The daily digest of failed webhooks and unconfirmed deliveries to the
administrators (run from the workers' schedule, ETJANST_SCHEDULE)."""

from django.core.management.base import BaseCommand

from etjanst.integrations.digest import send_failure_digest


class Command(BaseCommand):
    help = "E-mail the administrators a digest of failed webhooks and unconfirmed deliveries."

    def handle(self, *args, **options):
        sent = send_failure_digest()
        self.stdout.write(f"{sent} e-postmeddelanden skickade")
