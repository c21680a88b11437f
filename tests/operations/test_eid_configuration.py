"""An e-ID that cannot work is refused by `check --deploy` and, if it is
switched on anyway, gives residents a kind message instead of a 500."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from etjanst.eid.contrib.saml.config import forget_metadata
from tests.operations.conftest import etjanst, production_env


def deploy_errors() -> str:
    """Our deploy errors (not Django's, which the test settings would raise)."""
    try:
        call_command("check", deploy=True, fail_level="ERROR", stdout=None)
    except SystemCheckError as exc:
        return "\n".join(line for line in str(exc).splitlines() if "(etjanst.E" in line)
    return ""


def test_check_deploy_fails_without_bankid_certificates(tmp_path):
    result = etjanst("check", "--deploy", env=production_env(tmp_path))
    assert result.returncode != 0
    assert "(etjanst.E001) BankID is enabled but BANKID_CLIENT_CERT is not set." in result.stderr
    assert "BANKID_CA_CERT is not set" in result.stderr


def test_check_deploy_names_a_bankid_certificate_file_that_is_missing(settings, tmp_path):
    for name in ("client.pem", "client-key.pem"):
        (tmp_path / name).write_text("PEM")
    settings.ETJANST_EID_METHODS = ["bankid"]
    settings.BANKID = {
        **settings.BANKID,
        "CLIENT_CERT": str(tmp_path / "client.pem"),
        "CLIENT_KEY": str(tmp_path / "client-key.pem"),
        "CA_CERT": str(tmp_path / "ca.pem"),
    }
    errors = deploy_errors()
    assert f"BANKID_CA_CERT names no file ({tmp_path / 'ca.pem'})" in errors
    assert "BANKID_CLIENT_CERT" not in errors


def test_check_deploy_fails_when_an_identity_providers_metadata_file_is_missing(
    settings, tmp_path, saml_simulator
):
    settings.ETJANST_EID_METHODS = ["saml"]
    settings.SAML = {
        **settings.SAML,
        **saml_simulator.sp_settings(),
        "IDPS": [
            {
                "id": "freja",
                "name": "Freja eID+",
                "entity_id": "https://idp.example/freja",
                "metadata_file": str(tmp_path / "freja-metadata.xml"),
            }
        ],
    }
    errors = deploy_errors()
    assert "(etjanst.E004) SAML identity provider 'freja': its metadata file" in errors
    (tmp_path / "freja-metadata.xml").write_text("<EntityDescriptor/>")
    assert deploy_errors() == ""


def test_check_deploy_warns_while_the_demo_municipality_is_in_place(settings):
    settings.ETJANST_EID_METHODS = []
    with pytest.raises(SystemCheckError) as demo:
        call_command("check", deploy=True, fail_level="WARNING", tags=["security"])
    assert "The municipality's name is still the demo value (ETJANST_MUNICIPALITY_NAME)" in str(
        demo.value
    )
    assert "(DEFAULT_FROM_EMAIL)" in str(demo.value)
    settings.ETJANST_MUNICIPALITY = {
        **settings.ETJANST_MUNICIPALITY,
        "name": "Storsjö kommun",
        "email": "kontakt@storsjo.se",
        "phone": "063-14 30 00",
        "website": "https://www.storsjo.se",
    }
    settings.DEFAULT_FROM_EMAIL = "Storsjö kommun <e-tjanster@storsjo.se>"
    try:
        call_command("check", deploy=True, fail_level="WARNING", tags=["security"])
    except SystemCheckError as exc:
        assert "etjanst.W001" not in str(exc)


@pytest.mark.django_db
def test_bankid_with_missing_certificates_gives_a_kind_message_not_a_500(
    settings, client, tmp_path
):
    settings.ETJANST_EID_METHODS = ["bankid"]
    settings.BANKID = {
        **settings.BANKID,
        "CLIENT_CERT": str(tmp_path / "missing.pem"),
        "CLIENT_KEY": str(tmp_path / "missing-key.pem"),
        "CA_CERT": str(tmp_path / "missing-ca.pem"),
    }
    answer = client.post(reverse("portal:bankid_start"), {"device": "other"}, follow=True)
    assert answer.status_code == 200
    assert "Det går inte att logga in med BankID just nu" in answer.content.decode()


@pytest.mark.django_db
def test_an_identity_provider_without_metadata_is_not_offered_and_metadata_never_500s(
    settings, client, tmp_path, saml_simulator
):
    settings.ETJANST_EID_METHODS = ["bankid", "saml"]
    idps = saml_simulator.idp_settings()
    freja = {**idps[0], "metadata_url": "", "metadata_file": str(tmp_path / "gone.xml")}
    settings.SAML = {
        **settings.SAML,
        **saml_simulator.sp_settings(),
        "BASE_URL": "http://testserver",
        "IDPS": [freja, idps[1]],
        "METADATA_CACHE_DIR": str(tmp_path / "metadata"),
    }
    forget_metadata()
    page = client.get(reverse("portal:login")).content.decode()
    assert idps[1]["name"] in page
    assert "Freja eID+" not in page
    # The SP's own metadata does not need the IdP's: still served.
    assert client.get(reverse("portal:saml_metadata")).status_code == 200

    settings.SAML = {**settings.SAML, "KEY": str(tmp_path / "no-key.pem")}
    forget_metadata()
    answer = client.get(reverse("portal:saml_metadata"))
    assert answer.status_code == 503
    assert "inte tillgänglig just nu" in answer.content.decode()
    forget_metadata()
