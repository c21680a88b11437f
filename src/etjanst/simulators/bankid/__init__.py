"""A local, protocol-faithful stand-in for the BankID Relying Party API v6.0
and the BankID app (see server.py). For the demo and the tests only."""

from etjanst.simulators.bankid.certs import CertPaths, ensure_certificates
from etjanst.simulators.bankid.server import BankIDSimulator, start

__all__ = ["BankIDSimulator", "CertPaths", "ensure_certificates", "start"]
