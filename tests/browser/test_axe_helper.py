"""The axe check itself: it must fail on a real violation, or the other
browser tests prove nothing."""

import pytest

from tests.browser.a11y import axe_violations, format_violations

pytestmark = pytest.mark.browser


def test_axe_reports_serious_violations(site, demo):
    page = site.page
    site.visit("/")
    page.evaluate(
        """() => {
            const input = document.createElement("input");  // no label: critical
            input.id = "unlabelled";
            document.querySelector("main").append(input);
        }"""
    )
    violations = axe_violations(page)
    assert [v["id"] for v in violations] == ["label"]
    report = format_violations(page.url, violations)
    assert "[critical] label" in report
    assert "#unlabelled" in report
