"""The demo has an e-service administrator and one e-service in draft."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from etjanst.eservices import builder
from etjanst.eservices.lint import lint
from etjanst.eservices.models import EService
from etjanst.people.access import may_build
from tests.staff_accounts import log_in_staff


@pytest.mark.django_db
def test_the_demo_administrator_builds_the_draft_eservice(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # idempotent
    user = get_user_model().objects.get(username="forvaltare")
    assert user.check_password("exempelby-demo") and may_build(user)
    draft = EService.objects.get(slug="ansokan-om-gravtillstand")
    assert not EService.objects.published().filter(pk=draft.pk).exists()
    form = builder.draft_of(draft).form
    assert [s["title"] for s in form["steps"]] == ["Om arbetet", "Kontaktuppgifter"]
    assert not [f for f in lint(draft, form) if f.is_error]
    log_in_staff(client, user)
    page = client.get(reverse("staff:builder")).content.decode()
    assert "Ansökan om grävtillstånd" in page and "Utkast" in page
    # Testa e-tjänsten: the draft on the resident's pages, in test mode.
    started = client.post(reverse("staff:builder_test", args=[draft.pk]), {"person": ""})
    assert started.status_code == 302
    intro = client.get(started["Location"]).content.decode()
    assert "Testläge" in intro and "Ansökan om grävtillstånd" in intro
