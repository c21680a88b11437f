"""The other Swedish e-IDs (Freja eID+, Telia, foreign eIDs through eIDAS) as
a SAML 2.0 service provider following DIGG's Swedish eID Framework:
constants.py (LoA, attributes), config.py (settings, metadata, pysaml2
configuration), sp.py (requests, responses and their checks)."""
