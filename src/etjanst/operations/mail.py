"""Django's SMTP backend, counting what the mail relay took and refused
(etjanst_emails_total): a relay that is down shows on the dashboard before
anyone misses a receipt."""

from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

from . import metrics


class EmailBackend(SMTPBackend):
    def send_messages(self, email_messages):
        try:
            sent = super().send_messages(email_messages)
        except Exception:
            metrics.EMAILS.labels("failed").inc(len(email_messages or []))
            raise
        if sent:
            metrics.EMAILS.labels("sent").inc(sent)
        if self.fail_silently and len(email_messages or []) > (sent or 0):
            metrics.EMAILS.labels("failed").inc(len(email_messages) - (sent or 0))
        return sent
