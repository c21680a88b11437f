from tests.saml.conftest import saml  # noqa: F401  (the SAML simulator fixture)
