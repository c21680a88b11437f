"""Names from the Swedish eID Framework (Tekniskt ramverk för svensk
e-legitimation) that the service provider uses. Levels of assurance are in
etjanst.eid.assurance."""

ENTITY_CATEGORY_LOA3_PNR = "http://id.elegnamnden.se/ec/1.0/loa3-pnr"
ENTITY_CATEGORY_EIDAS_NATURAL_PERSON = "http://id.elegnamnden.se/ec/1.0/eidas-naturalperson"
ATTRIBUTE_SET_PNR = "http://id.elegnamnden.se/ap/1.0/pnr-01"

# Attribute names (NameFormat uri).
SN = "urn:oid:2.5.4.4"
GIVEN_NAME = "urn:oid:2.5.4.42"
DISPLAY_NAME = "urn:oid:2.16.840.1.113730.3.1.241"
PERSONAL_IDENTITY_NUMBER = "urn:oid:1.2.752.29.4.13"
DATE_OF_BIRTH = "urn:oid:1.3.6.1.5.5.7.9.1"
TRANSACTION_IDENTIFIER = "urn:oid:1.2.752.201.3.2"
AUTH_CONTEXT_PARAMS = "urn:oid:1.2.752.201.3.3"
PRID = "urn:oid:1.2.752.201.3.4"
PRID_PERSISTENCE = "urn:oid:1.2.752.201.3.5"
EIDAS_PERSON_IDENTIFIER = "urn:oid:1.2.752.201.3.7"
COUNTRY = "urn:oid:2.5.4.6"

#: Friendly name → attribute name, for pysaml2's attribute converter.
ATTRIBUTES = {
    "sn": SN,
    "givenName": GIVEN_NAME,
    "displayName": DISPLAY_NAME,
    "personalIdentityNumber": PERSONAL_IDENTITY_NUMBER,
    "dateOfBirth": DATE_OF_BIRTH,
    "transactionIdentifier": TRANSACTION_IDENTIFIER,
    "authContextParams": AUTH_CONTEXT_PARAMS,
    "prid": PRID,
    "pridPersistence": PRID_PERSISTENCE,
    "eidasPersonIdentifier": EIDAS_PERSON_IDENTIFIER,
    "c": COUNTRY,
}

# Algorithms (Swedish eID Framework, "Deployment Profile", 2.4/6.2: SHA-256
# and stronger; no MD5, RIPEMD-160 or SHA-1). Offered in our metadata in this
# order of preference, and the only ones accepted in what an IdP sends.
DIGEST_ALGORITHMS = (
    "http://www.w3.org/2001/04/xmlenc#sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512",
)
SIGNATURE_ALGORITHMS = (
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
    "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1",
    "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1",
    "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
    "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
)
METADATA_CONTENT_TYPE = "application/samlmetadata+xml"  # RFC 7580-style registration
