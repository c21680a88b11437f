"""Information pages are written in a safe subset of Markdown: rendered by
Python-Markdown with raw HTML switched off, then sanitised by nh3 (ammonia)
to an allow-list of tags, attributes and link schemes. Either step alone
would already make a script harmless; both together are the belt and braces
a page anyone in admin can edit deserves."""

import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "blockquote",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
# Relative links (/personuppgifter/) are allowed too; javascript:, data: and
# every other scheme are removed.
URL_SCHEMES = {"https", "http", "mailto", "tel"}
# The page's title is its only h1: a "# Rubrik" in the text becomes an h2.
_H1 = re.compile(r"<(/?)h1>")


class _NoRawHtml(markdown.Extension):
    """Raw HTML in the text is shown as text, never passed through."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def render_markdown(text: str) -> SafeString:
    html = markdown.markdown(text or "", extensions=[_NoRawHtml(), "sane_lists", "tables"])
    html = _H1.sub(r"<\1h2>", html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 just above)
