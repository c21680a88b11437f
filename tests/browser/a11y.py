"""axe-core in the browser: the axe.min.js shipped with axe-playwright-python,
run against WCAG 2.0, 2.1 and 2.2 A/AA; serious and critical findings fail."""

from pathlib import Path

import axe_playwright_python
from playwright.sync_api import Page

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(
    encoding="utf-8"
)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core found {len(violations)} serious/critical violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page; return serious and critical violations."""
    # A heading can be there before the stylesheets are (after a form post):
    # measuring unstyled targets would report sizes the visitor never sees.
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe === 'object'"):
        # add_script_tag would be an inline <script>, which the site's CSP
        # (script-src 'self') blocks; evaluate runs outside the page's CSP.
        page.evaluate(AXE_SOURCE)
    results = page.evaluate(
        """(tags) => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        AXE_TAGS,
    )
    return [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]
