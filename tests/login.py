"""Logging a test person in through the client, the way an e-ID method does.
Skatteverket's test numbers (shared/data/testpersonnummer.json): no real person."""

from django.http import HttpRequest

from etjanst.eid.person import Person
from etjanst.eid.session import login

ANNA = Person(personnummer="198105082393", given_name="Anna", surname="Testsson", method="bankid")
BERTIL = Person(personnummer="194105199121", given_name="Bertil", surname="Prov", method="bankid")


def log_in(client, person=ANNA):
    """Log in through eid.session.login; returns the new session key."""
    session = client.session
    request = HttpRequest()
    request.session = session
    login(request, person)
    session.save()
    client.cookies["sessionid"] = session.session_key
    return session.session_key
