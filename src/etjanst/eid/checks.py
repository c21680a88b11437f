"""`check --deploy` refuses an e-ID configuration that cannot work: BankID
without its certificates, SAML without the SP's key pair or with an identity
provider whose metadata file is missing. (Deploy checks only: the demo makes
its simulator certificates after `migrate`.)"""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from .contrib.saml.config import identity_providers


def _missing(path: str) -> bool:
    return not path or not Path(path).is_file()


@register(Tags.security, deploy=True)
def bankid_configured(app_configs, **kwargs) -> list[Error]:
    if "bankid" not in settings.ETJANST_EID_METHODS:
        return []
    errors = []
    for key, variable in (
        ("CLIENT_CERT", "BANKID_CLIENT_CERT"),
        ("CLIENT_KEY", "BANKID_CLIENT_KEY"),
        ("CA_CERT", "BANKID_CA_CERT"),
    ):
        path = str(settings.BANKID.get(key) or "")
        if _missing(path):
            errors.append(
                Error(
                    f"BankID is enabled but {variable} "
                    + (f"names no file ({path})." if path else "is not set."),
                    hint="Set it to the PEM file from your BankID agreement, or remove bankid "
                    "from ETJANST_EID_METHODS (docs/eid.md).",
                    id="etjanst.E001",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def saml_configured(app_configs, **kwargs) -> list[Error]:
    if "saml" not in settings.ETJANST_EID_METHODS:
        return []
    errors = []
    for key, variable in (("KEY", "SAML_KEY"), ("CERT", "SAML_CERT")):
        path = str(settings.SAML.get(key) or "")
        if _missing(path):
            errors.append(
                Error(
                    f"SAML login is enabled but {variable} "
                    + (f"names no file ({path})." if path else "is not set."),
                    hint="Set it to the SP's PEM file (docs/eid.md).",
                    id="etjanst.E002",
                )
            )
    try:
        idps = identity_providers()
    except (ImproperlyConfigured, OSError, ValueError) as exc:
        return [*errors, Error(f"SAML_IDPS cannot be read: {exc}", id="etjanst.E003")]
    if not idps:
        errors.append(
            Error(
                "SAML login is enabled but SAML_IDPS names no identity provider.",
                hint="Add the identity providers, or remove saml from ETJANST_EID_METHODS.",
                id="etjanst.E003",
            )
        )
    for idp in idps:
        if idp.metadata_file and _missing(idp.metadata_file):
            errors.append(
                Error(
                    f"SAML identity provider {idp.id!r}: its metadata file "
                    f"{idp.metadata_file} does not exist.",
                    hint="Download the IdP's metadata to that path, or use metadata_url.",
                    id="etjanst.E004",
                )
            )
    return errors
