"""A local, protocol-faithful stand-in for Skatteverket's Navet
(personpostXML over HTTPS with mutual TLS; see server.py). For the demo and
the tests only."""

from etjanst.simulators.navet.server import NavetSimulator, SimPerson, build_people, start

__all__ = ["NavetSimulator", "SimPerson", "build_people", "start"]
