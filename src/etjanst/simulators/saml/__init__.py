"""Local SAML identity providers (Swedish eID Framework) for the demo and the
tests: see server.py."""

from etjanst.simulators.saml.server import DEFECTS, IDPS, SAMLSimulator, start

__all__ = ["DEFECTS", "IDPS", "SAMLSimulator", "start"]
