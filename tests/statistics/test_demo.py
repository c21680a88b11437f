"""The demo municipality has statistics to show, loaded once."""

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from etjanst.demo.statistics import record_demo_statistics
from etjanst.statistics.models import (
    DailyCount,
    DailyDuration,
    EServiceOptions,
    MonthlyCount,
    MonthlyDuration,
)
from tests.staff_accounts import log_in_staff

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_statistics_pages_once(client):
    call_command("load_demo", verbosity=0)
    rows = DailyCount.objects.filter(day__lt=timezone.localdate()).count()
    assert rows > 1000
    assert record_demo_statistics() == 0  # a second load adds nothing
    assert DailyCount.objects.filter(day__lt=timezone.localdate()).count() == rows
    assert EServiceOptions.objects.filter(survey=True, open_data=True).count() == 2
    # The made-up day rows are summed into the month rows the pages read.
    for day_model, month_model in ((DailyCount, MonthlyCount), (DailyDuration, MonthlyDuration)):
        total = day_model.objects.aggregate(n=Sum("count"))["n"]
        assert total and month_model.objects.aggregate(n=Sum("count"))["n"] == total

    from django.contrib.auth import get_user_model

    log_in_staff(client, get_user_model().objects.get(username="forvaltare"))
    option = EServiceOptions.objects.filter(survey=True).first()
    page = client.get(
        reverse("staff:statistics_eservice", args=[option.eservice_id]), {"per": "vecka"}
    )
    report = page.context["report"]
    overview = dict(report.figure("oversikt").rows)
    assert int(overview["Skickade"]) > 100
    assert report.figure("betyg") is not None and report.comments
    public = client.get(reverse("portal:open_data")).content.decode()
    assert option.eservice.name in public
