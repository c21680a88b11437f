"""Logging a foreign person (eIDAS, no Swedish personnummer) in through the
local SAML identity provider, as the tests of each app need it."""

from tests.saml.conftest import post_to_acs, start_login

LENA = "DE:4f1c9a2b7e"  # the simulator's Lena Müller, born 1985-04-12


def foreign_login(client, saml, key: str = LENA, next_url: str = "/") -> None:
    token = start_login(client, saml, "eidas", next_url=next_url)
    post_to_acs(client, saml.respond(token, key))
