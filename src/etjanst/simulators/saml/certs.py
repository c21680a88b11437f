"""Keys and self-signed certificates for the local SAML identity providers
and for Etjänst's own service provider in the demo and the tests (SAML
metadata carries the certificates themselves: no CA is needed).

    python -m etjanst.simulators.saml.certs var/saml

Idempotent: only what is missing is generated. Private keys are written with
mode 0600 and belong under var/ (git-ignored); they are never committed.
"""

from __future__ import annotations

import argparse
import datetime
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

VALID_DAYS = 825
#: file name → the certificate's common name
KEYPAIRS = {
    "sp": "Etjänst SP (demo)",
    "freja": "Freja eID+ (simulator)",
    "telia": "Telia (simulator)",
    "eidas": "eIDAS connector (simulator)",
}


def ensure_keypair(folder: Path, name: str, common_name: str) -> tuple[Path, Path]:
    """`<name>-key.pem` and `<name>.pem` in `folder` (RSA 2048, SHA-256)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = folder / f"{name}-key.pem", folder / f"{name}.pem"
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Etjänst (simulator)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(key_path, 0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def ensure_certificates(folder: Path) -> dict[str, tuple[Path, Path]]:
    """Every key pair the simulator and the demo SP need."""
    return {name: ensure_keypair(folder, name, cn) for name, cn in KEYPAIRS.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=Path("var/saml"))
    args = parser.parse_args(argv)
    for name, (key, cert) in ensure_certificates(args.folder).items():
        print(f"{name}: {cert} ({key})")


if __name__ == "__main__":
    main()
