"""The Swedish eID Framework's names as the identity provider simulator
knows them: levels of assurance and attribute names. A peer keeps its own
copy of the protocol (the simulators import nothing of the platform), so a
wrong name on our side shows up in the tests instead of being shared."""

from saml2.attribute_converter import AttributeConverter
from saml2.saml import NAME_FORMAT_URI

LOA_PREFIX = "http://id.elegnamnden.se/loa/1.0/"
LOA2 = LOA_PREFIX + "loa2"
LOA3 = LOA_PREFIX + "loa3"
LOA4 = LOA_PREFIX + "loa4"
EIDAS_LOW = LOA_PREFIX + "eidas-low"
EIDAS_SUBSTANTIAL = LOA_PREFIX + "eidas-sub"
EIDAS_HIGH = LOA_PREFIX + "eidas-high"

ATTRIBUTES = {
    "sn": "urn:oid:2.5.4.4",
    "givenName": "urn:oid:2.5.4.42",
    "displayName": "urn:oid:2.16.840.1.113730.3.1.241",
    "personalIdentityNumber": "urn:oid:1.2.752.29.4.13",
    "dateOfBirth": "urn:oid:1.3.6.1.5.5.7.9.1",
    "transactionIdentifier": "urn:oid:1.2.752.201.3.2",
    "authContextParams": "urn:oid:1.2.752.201.3.3",
    "prid": "urn:oid:1.2.752.201.3.4",
    "pridPersistence": "urn:oid:1.2.752.201.3.5",
    "eidasPersonIdentifier": "urn:oid:1.2.752.201.3.7",
    "c": "urn:oid:2.5.4.6",
}


def attribute_converters() -> list[AttributeConverter]:
    converter = AttributeConverter(NAME_FORMAT_URI)
    converter.from_dict(
        {
            "identifier": NAME_FORMAT_URI,
            "fro": {uri: name for name, uri in ATTRIBUTES.items()},
            "to": dict(ATTRIBUTES),
        }
    )
    return [converter]
