"""Information pages: a safe subset of Markdown, whatever an editor types."""

import pytest

from etjanst.content.rendering import render_markdown


def test_markdown_becomes_headings_lists_and_links():
    html = render_markdown(
        "# Om oss\n\n## Logga in\n\nMed **BankID**.\n\n- Ett\n- Två\n\n"
        "[Personuppgifter](/personuppgifter/) och [DIGG](https://www.digg.se/)"
    )
    assert "<h2>Om oss</h2>" in html  # the page's title is its only h1
    assert "<h2>Logga in</h2>" in html
    assert "<strong>BankID</strong>" in html
    assert "<li>Ett</li>" in html
    assert '<a href="/personuppgifter/"' in html
    assert '<a href="https://www.digg.se/"' in html
    assert "<h1" not in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert('x')</script>",
        "Text <script>alert('x')</script> text",
        "<div onclick=\"alert('x')\">klicka</div>",
        "<img src=x onerror=\"alert('x')\">",
        '<iframe src="https://evil.example"></iframe>',
        '<a href="https://example.se" onmouseover="alert(\'x\')">länk</a>',
        "<style>body { display: none }</style>",
        "<!-- <script>alert('x')</script> -->",
    ],
)
def test_raw_html_is_shown_as_text_never_run(source):
    html = render_markdown(source)
    for dangerous in ("<script", "<div", "<img", "<iframe", "<style", '<a href="https://example'):
        assert dangerous not in html
    # The only tags left are Markdown's own paragraphs: any attribute such as
    # onclick is text inside them, harmless.
    assert "<" not in html.replace("<p>", "").replace("</p>", "")


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert('x')",
        "JaVaScRiPt:alert('x')",
        "  javascript:alert('x')",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox('x')",
    ],
)
def test_links_with_a_dangerous_scheme_lose_their_address(link):
    html = render_markdown(f"[Klicka här]({link}) och <{link}>")
    assert "href" not in html
    assert "Klicka här" in html


def test_an_image_is_not_shown():
    html = render_markdown("![bild](https://tracker.example/pixel.png)")
    assert "<img" not in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
