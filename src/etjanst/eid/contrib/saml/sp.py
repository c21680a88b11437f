"""The service provider's protocol work on top of pysaml2: signed
AuthnRequests over HTTP-Redirect, Responses over HTTP-POST checked (pysaml2's
checks, then ours: issuer, destination, recipient, InResponseTo, audience,
level of assurance, replay, attributes), and Single Logout.

A refused response raises Refused with a reason code; the caller shows the
reason's Swedish message and logs a security event."""

from __future__ import annotations

import base64
import datetime
import logging
import re
from dataclasses import dataclass, field

from defusedxml.ElementTree import fromstring as defused_fromstring
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, md, saml, samlp
from saml2.client import Saml2Client
from saml2.extension.algsupport import DigestMethod, SigningMethod
from saml2.metadata import entity_descriptor, sign_entity_descriptor
from saml2.response import StatusError, UnsolicitedResponse
from saml2.samlp import RequestedAuthnContext
from saml2.sigver import SignatureError, security_context, verify_redirect_signature
from saml2.time_util import str_to_time
from saml2.validate import ResponseLifetimeExceed, ToEarly
from saml2.xmldsig import SIG_RSA_SHA256

from etjanst.eid.assurance import LOA3
from etjanst.eid.models import UsedAssertion
from etjanst.eid.person import Person

from . import constants as c
from .config import IdentityProvider, acs_url, sp_config

logger = logging.getLogger(__name__)

CANCEL_STATUS = "http://id.elegnamnden.se/status/1.0/cancel"


class Refused(Exception):
    """The response cannot log anyone in. `reason` is one of REASONS."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


#: Reasons that are not attacks or faults but the resident's own choice or
#: the IdP's failure: logged as information, not as security events.
NOT_SECURITY = {"cancelled", "idp_failed"}


def client(base: str) -> Saml2Client:
    """A fresh client per request (pysaml2 keeps per-client state in memory);
    the configuration and metadata behind it are shared."""
    return Saml2Client(config=sp_config(base))


class Unavailable(Exception):
    """The SP cannot work as configured (its key or certificate is missing or
    unreadable): an operator's fault, logged as one line, shown as a 503."""


def metadata_xml(base: str) -> str:
    """This SP's metadata, signed with its key. pysaml2 lists every algorithm
    the local xmlsec1 knows (md5, ripemd160, SHA-1 …): we list only those the
    Swedish eID Framework allows, which are also the only ones we accept."""
    try:
        conf = sp_config(base)
        descriptor = entity_descriptor(conf)
        _offer_only_strong_algorithms(descriptor)
        _, signed = sign_entity_descriptor(
            descriptor, None, security_context(conf), SIG_RSA_SHA256, conf.digest_algorithm
        )
    except (ImproperlyConfigured, OSError, ValueError) as exc:
        raise Unavailable(f"{type(exc).__name__}: {exc}") from exc
    return str(signed)


_ALGSUPPORT = "urn:oasis:names:tc:SAML:metadata:algsupport"
_DSIG = "http://www.w3.org/2000/09/xmldsig#"


def _offer_only_strong_algorithms(descriptor) -> None:
    if descriptor.extensions is None:
        descriptor.extensions = md.Extensions()
    descriptor.extensions.extension_elements = [
        element
        for element in descriptor.extensions.extension_elements
        if element.namespace != _ALGSUPPORT
    ]
    for algorithm in c.DIGEST_ALGORITHMS:
        descriptor.extensions.add_extension_element(DigestMethod(algorithm=algorithm))
    for algorithm in c.SIGNATURE_ALGORITHMS:
        descriptor.extensions.add_extension_element(SigningMethod(algorithm=algorithm))


def weak_algorithms(xml: bytes | str) -> list[str]:
    """The signature and digest algorithms in a message that the Swedish eID
    Framework does not allow (every ds:Signature in it, at any depth)."""
    root = defused_fromstring(xml)
    weak = []
    for tag, allowed in (
        ("SignatureMethod", c.SIGNATURE_ALGORITHMS),
        ("DigestMethod", c.DIGEST_ALGORITHMS),
    ):
        for element in root.iter(f"{{{_DSIG}}}{tag}"):
            algorithm = element.get("Algorithm", "")
            if algorithm not in allowed:
                weak.append(algorithm)
    return weak


def _signature_algorithms(signature) -> list[str]:
    """A parsed ds:Signature's algorithms (for a decrypted assertion)."""
    if signature is None or signature.signed_info is None:
        return []
    info = signature.signed_info
    found = [info.signature_method.algorithm] if info.signature_method is not None else []
    found += [r.digest_method.algorithm for r in info.reference if r.digest_method is not None]
    return found


@dataclass(frozen=True)
class AuthnRequest:
    id: str
    url: str  # the IdP's SSO address with SAMLRequest, RelayState, SigAlg, Signature


def authn_request(
    base: str, idp: IdentityProvider, *, accepted_loa: list[str], relay_state: str
) -> AuthnRequest:
    """A signed AuthnRequest for the IdP asking for one of `accepted_loa`."""
    saml_client = client(base)
    if not saml_client.metadata.single_sign_on_service(idp.entity_id, BINDING_HTTP_REDIRECT):
        raise Refused("idp_unavailable", "no HTTP-Redirect SSO endpoint in metadata")
    requested = RequestedAuthnContext(
        authn_context_class_ref=[saml.AuthnContextClassRef(text=uri) for uri in accepted_loa],
        comparison="exact",
    )
    request_id, info = saml_client.prepare_for_authenticate(
        entityid=idp.entity_id,
        relay_state=relay_state,
        binding=BINDING_HTTP_REDIRECT,
        sign=True,
        sigalg=SIG_RSA_SHA256,
        requested_authn_context=requested,
    )
    location = dict(info["headers"])["Location"]
    return AuthnRequest(id=request_id, url=location)


@dataclass(frozen=True)
class Login:
    person: Person
    name_id: str  # the NameID element as XML, for Single Logout
    session_index: str
    attributes: dict[str, list[str]] = field(default_factory=dict)


def _attributes(assertion) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for statement in assertion.attribute_statement:
        for attribute in statement.attribute:
            values.setdefault(attribute.name, []).extend(
                (value.text or "").strip() for value in attribute.attribute_value
            )
    return values


def _first(attributes: dict[str, list[str]], name: str) -> str:
    return next((v for v in attributes.get(name, []) if v), "")


def _classify(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, StatusError):
        return "cancelled" if "cancel" in text.lower() else "idp_failed"
    if isinstance(exc, UnsolicitedResponse):
        return "unsolicited" if text.rstrip().endswith("None") else "in_response_to"
    if isinstance(exc, ResponseLifetimeExceed):
        return "expired"
    if isinstance(exc, ToEarly):
        return "not_yet_valid"
    if isinstance(exc, SignatureError) or "signature" in text.lower():
        return "signature"
    if "AudienceRestrictions" in text:
        return "audience"
    if "recipient" in text.lower():
        return "recipient"
    if "I don't recall" in text or "Came from" in text:
        return "in_response_to"
    return "invalid"


def process_response(
    base: str,
    encoded: str,
    *,
    idp: IdentityProvider,
    request_id: str | None,
    accepted_loa: list[str],
    needs_personnummer: bool,
) -> Login:
    """Check a base64 SAMLResponse posted to our ACS for the request
    `request_id` sent to `idp`, and return who logged in."""
    saml_client = client(base)
    outstanding = {request_id: "/"} if request_id else {}
    try:
        weak = weak_algorithms(base64.b64decode(encoded, validate=False))
    except Exception as exc:  # not base64 or not XML: pysaml2 would refuse it too
        raise Refused("invalid", type(exc).__name__) from exc
    if weak:
        raise Refused("weak_algorithm", " ".join(sorted(set(weak)))[:200])
    try:
        response = saml_client.parse_authn_request_response(
            encoded, BINDING_HTTP_POST, outstanding=outstanding
        )
    except Exception as exc:  # pysaml2 raises many kinds; each is a refusal
        raise Refused(_classify(exc), type(exc).__name__) from exc
    if response is None or response.assertion is None:
        # pysaml2 answers None for a wrong Destination or IssueInstant.
        raise Refused("invalid", "response not accepted by pysaml2")

    message = response.response
    assertion = response.assertion
    # An encrypted assertion's own signature is only visible now.
    weak = [
        algorithm
        for algorithm in _signature_algorithms(assertion.signature)
        if algorithm not in c.SIGNATURE_ALGORITHMS + c.DIGEST_ALGORITHMS
    ]
    if weak:
        raise Refused("weak_algorithm", " ".join(sorted(set(weak)))[:200])
    if settings.SAML.get("WANT_ASSERTIONS_ENCRYPTED") and not _was_encrypted(encoded):
        raise Refused("not_encrypted", "the assertion was not encrypted")
    acs = acs_url(base)
    issuers = {message.issuer.text if message.issuer else None, assertion.issuer.text}
    if issuers - {None} != {idp.entity_id}:
        raise Refused("issuer", "issuer is not the IdP the request went to")
    if message.destination != acs:
        raise Refused("recipient", "Destination is not our ACS")
    if not request_id or message.in_response_to != request_id:
        raise Refused("in_response_to", "InResponseTo does not match")
    for confirmation in assertion.subject.subject_confirmation:
        data = confirmation.subject_confirmation_data
        if data is None or data.recipient != acs:
            raise Refused("recipient", "SubjectConfirmationData Recipient is not our ACS")
        if data.in_response_to != request_id:
            raise Refused("in_response_to", "SubjectConfirmationData InResponseTo does not match")
    restrictions = assertion.conditions.audience_restriction if assertion.conditions else []
    audiences = [audience.text for r in restrictions for audience in r.audience]
    if saml_client.config.entityid not in audiences:
        raise Refused("audience", "no AudienceRestriction for us")

    statement = assertion.authn_statement[0]
    loa = ""
    if statement.authn_context and statement.authn_context.authn_context_class_ref:
        loa = (statement.authn_context.authn_context_class_ref.text or "").strip()
    if loa not in accepted_loa:
        raise Refused("loa", "AuthnContextClassRef is not one that was asked for")

    _remember_assertion(idp, assertion)

    attributes = _attributes(assertion)
    personnummer = _first(attributes, c.PERSONAL_IDENTITY_NUMBER)
    if personnummer and not re.fullmatch(r"\d{12}", personnummer):
        raise Refused("attributes", "personalIdentityNumber is not 12 digits")
    identifier = _first(attributes, c.PRID) or _first(attributes, c.EIDAS_PERSON_IDENTIFIER)
    if not personnummer and (not idp.foreign or needs_personnummer):
        raise Refused("personnummer_missing", "no personalIdentityNumber")
    if not personnummer and not identifier:
        raise Refused("attributes", "neither personalIdentityNumber nor prid")
    given_name = _first(attributes, c.GIVEN_NAME)
    surname = _first(attributes, c.SN)
    if not (given_name or surname):
        given_name, _, surname = _first(attributes, c.DISPLAY_NAME).partition(" ")
    person = Person(
        personnummer=personnummer or None,
        given_name=given_name,
        surname=surname,
        method=idp.method,
        identifier="" if personnummer else identifier,
        date_of_birth=_first(attributes, c.DATE_OF_BIRTH),
        loa=loa or LOA3,
    )
    name_id = assertion.subject.name_id
    return Login(
        person=person,
        name_id=str(name_id) if name_id is not None else "",
        session_index=statement.session_index or "",
        attributes=attributes,
    )


def _was_encrypted(encoded: str) -> bool:
    """Whether the posted Response carried its assertion encrypted only
    (pysaml2 forgets that once it has decrypted it)."""
    try:
        raw = samlp.response_from_string(base64.b64decode(encoded))
    except Exception:
        return False
    return bool(raw is not None and raw.encrypted_assertion and not raw.assertion)


def _remember_assertion(idp: IdentityProvider, assertion) -> None:
    """Refuse an assertion ID seen before (in any process: a unique row)."""
    now = timezone.now()
    expires = now + datetime.timedelta(hours=1)
    if assertion.conditions is not None and assertion.conditions.not_on_or_after:
        seconds = str_to_time(assertion.conditions.not_on_or_after)
        expires = datetime.datetime(*seconds[:6], tzinfo=datetime.UTC)
    expires += datetime.timedelta(minutes=10)  # beyond the clock skew allowed
    UsedAssertion.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(
                issuer=idp.entity_id, assertion_id=assertion.id, expires_at=expires
            )
    except IntegrityError as exc:
        raise Refused("replay", "assertion ID already used") from exc


# ---- Single Logout -------------------------------------------------------------


@dataclass(frozen=True)
class LogoutRequest:
    id: str
    url: str


def logout_request(
    base: str, idp: IdentityProvider, *, name_id: str, session_index: str, relay_state: str
) -> LogoutRequest | None:
    """A signed LogoutRequest (HTTP-Redirect) to end the IdP session too, or
    None when the IdP has no HTTP-Redirect Single Logout endpoint."""
    saml_client = client(base)
    endpoints = saml_client.metadata.single_logout_service(
        idp.entity_id, BINDING_HTTP_REDIRECT, "idpsso"
    )
    if not endpoints or not name_id:
        return None
    destination = endpoints[0]["location"]
    request_id, request = saml_client.create_logout_request(
        destination,
        idp.entity_id,
        name_id=saml.name_id_from_string(name_id),
        reason="urn:oasis:names:tc:SAML:2.0:logout:user",
        session_indexes=[session_index] if session_index else None,
        sign=False,
    )
    info = saml_client.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(request),
        destination,
        relay_state,
        sign=True,
        sigalg=SIG_RSA_SHA256,
    )
    return LogoutRequest(id=request_id, url=dict(info["headers"])["Location"])


def _redirect_signature_ok(saml_client: Saml2Client, entity_id: str, query: dict) -> bool:
    """pysaml2 does not check HTTP-Redirect signatures on what an SP
    receives: check them against the IdP's signing certificates."""
    if not query.get("Signature") or query.get("SigAlg") not in c.SIGNATURE_ALGORITHMS:
        return False
    keys = ("SAMLRequest", "SAMLResponse", "RelayState", "SigAlg", "Signature")
    message = {key: query[key] for key in keys if key in query}
    certificates = saml_client.metadata.certs(entity_id, "idpsso", "signing")
    try:
        return any(
            verify_redirect_signature(message, saml_client.sec.sec_backend, cert)
            for _name, cert in certificates
        )
    except Exception:
        return False


def logout_response_ok(base: str, query: dict, *, idp: IdentityProvider, request_id: str) -> bool:
    """Whether the IdP's LogoutResponse (HTTP-Redirect) is signed by it,
    answers our LogoutRequest and says Success."""
    saml_client = client(base)
    if not _redirect_signature_ok(saml_client, idp.entity_id, query):
        return False
    try:
        response = saml_client.parse_logout_request_response(
            query.get("SAMLResponse", ""), BINDING_HTTP_REDIRECT
        )
    except Exception as exc:
        logger.info("SAML LogoutResponse refused (%s)", type(exc).__name__)
        return False
    if response is None:
        return False
    message = response.response
    return bool(
        message.issuer is not None
        and message.issuer.text == idp.entity_id
        and message.in_response_to == request_id
        and message.status.status_code.value == samlp.STATUS_SUCCESS
    )


@dataclass(frozen=True)
class IdPLogout:
    """A LogoutRequest the IdP sent: whom it names, and our answer."""

    issuer: str
    name_id: str  # the NameID's value
    answer_url: str


def answer_logout_request(base: str, query: dict, idps: list[IdentityProvider]) -> IdPLogout:
    """Check an IdP-initiated LogoutRequest (HTTP-Redirect, signed by one of
    `idps`) and build the signed LogoutResponse to send back."""
    saml_client = client(base)
    try:
        parsed = saml_client.parse_logout_request(
            query.get("SAMLRequest", ""), BINDING_HTTP_REDIRECT
        )
    except Exception as exc:
        raise Refused("invalid", type(exc).__name__) from exc
    if parsed is None:
        raise Refused("invalid", "LogoutRequest not accepted by pysaml2")
    message = parsed.message
    issuer = message.issuer.text if message.issuer is not None else ""
    idp = next((idp for idp in idps if idp.entity_id == issuer), None)
    if idp is None:
        raise Refused("issuer", "LogoutRequest from an unknown issuer")
    if not _redirect_signature_ok(saml_client, idp.entity_id, query):
        raise Refused("signature", "LogoutRequest signature")
    endpoints = saml_client.metadata.single_logout_service(
        idp.entity_id, BINDING_HTTP_REDIRECT, "idpsso"
    )
    if not endpoints:
        raise Refused("invalid", "no HTTP-Redirect SLO endpoint for the answer")
    destination = endpoints[0].get("response_location") or endpoints[0]["location"]
    response = saml_client.create_logout_response(message, [BINDING_HTTP_REDIRECT])
    info = saml_client.apply_binding(
        BINDING_HTTP_REDIRECT,
        str(response),
        destination,
        query.get("RelayState", ""),
        response=True,
        sign=True,
        sigalg=SIG_RSA_SHA256,
    )
    return IdPLogout(
        issuer=issuer,
        name_id=message.name_id.text if message.name_id is not None else "",
        answer_url=dict(info["headers"])["Location"],
    )
