"""Certificates for the local BankID simulator: a CA, a server certificate for
localhost/127.0.0.1 and a relying-party client certificate, all signed by the CA.

    python -m etjanst.simulators.bankid.certs var/bankid

Idempotent: only what is missing is generated. Private keys are written with
mode 0600 and belong under var/ (git-ignored); they are never committed.
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_NAME = "Etjänst BankID-simulator CA"
SERVER_NAME = "localhost"
CLIENT_NAME = "Etjänst RP (simulator)"
VALID_DAYS = 825


@dataclass(frozen=True)
class CertPaths:
    folder: Path
    ca: Path
    server: Path
    server_key: Path
    client: Path
    client_key: Path


def _paths(folder: Path) -> CertPaths:
    return CertPaths(
        folder=folder,
        ca=folder / "ca.pem",
        server=folder / "server.pem",
        server_key=folder / "server-key.pem",
        client=folder / "client.pem",
        client_key=folder / "client-key.pem",
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Etjänst (simulator)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def _builder(subject: x509.Name, issuer: x509.Name, public_key) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
    )


def _leaf(
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    common_name: str,
    usage: x509.ObjectIdentifier,
    san: list[x509.GeneralName] | None = None,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _new_key()
    builder = (
        _builder(_name(common_name), ca_cert.subject, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    return builder.sign(ca_key, hashes.SHA256()), key


def ensure_certificates(
    folder: Path, *, ca_name: str = CA_NAME, client_name: str = CLIENT_NAME
) -> CertPaths:
    """Create the CA, server and client certificates in `folder` if missing.
    (The Navet simulator uses this too, with its own names.)"""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = _paths(folder)

    if paths.ca.exists() and (folder / "ca-key.pem").exists():
        ca_cert = x509.load_pem_x509_certificate(paths.ca.read_bytes())
        ca_key = _load_key(folder / "ca-key.pem")
        new_ca = False
    else:
        ca_key = _new_key()
        ca_cert = (
            _builder(_name(ca_name), _name(ca_name), ca_key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        _write_key(folder / "ca-key.pem", ca_key)
        _write_cert(paths.ca, ca_cert)
        new_ca = True

    if new_ca or not (paths.server.exists() and paths.server_key.exists()):
        cert, key = _leaf(
            ca_cert,
            ca_key,
            SERVER_NAME,
            ExtendedKeyUsageOID.SERVER_AUTH,
            san=[
                x509.DNSName("localhost"),
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            ],
        )
        _write_key(paths.server_key, key)
        _write_cert(paths.server, cert)

    if new_ca or not (paths.client.exists() and paths.client_key.exists()):
        cert, key = _leaf(ca_cert, ca_key, client_name, ExtendedKeyUsageOID.CLIENT_AUTH)
        _write_key(paths.client_key, key)
        _write_cert(paths.client, cert)

    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=Path("var/bankid"))
    args = parser.parse_args(argv)
    paths = ensure_certificates(args.folder)
    print(f"CA: {paths.ca}\nServer: {paths.server}\nKlient: {paths.client}")


if __name__ == "__main__":
    main()
