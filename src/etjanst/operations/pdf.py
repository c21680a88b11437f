"""PDFs drawn by WeasyPrint with one font configuration per thread.

Why: `weasyprint.HTML(...).write_pdf()` without `font_config` builds a new
`FontConfiguration` for every document: fontconfig loads every system font
again (`FcInitLoadConfigAndFonts`) into a new Pango font map. Freeing them
does not give the memory back to the system: a task worker grew about
0.22 MB per receipt PDF, without bound (150 receipts in one process:
+46 MB; with one configuration reused: +0 MB after the first few;
docs/benchmarks.md, "Soak — task-worker memory"). Python's own heap stayed
flat (tracemalloc), so the growth is in the C libraries.

One configuration per thread, not per process, because Pango's font maps
are not thread-safe (gunicorn with threads draws PDFs in several threads).
Its caches are keyed by font style, so they stay as small as our
stylesheets. None of our documents uses `@font-face` (that would add fonts
to the shared configuration)."""

from __future__ import annotations

import threading

_local = threading.local()


def font_configuration():
    """This thread's WeasyPrint `FontConfiguration`, made on first use."""
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration  # heavy: only where a PDF is made

        config = _local.font_config = FontConfiguration()
    return config


def html_to_pdf(html: str, *, stylesheet: str | None = None, **options) -> bytes:
    """The PDF of an HTML document (`stylesheet`: a CSS file's path;
    `options`: WeasyPrint's `write_pdf` options, e.g. `pdf_variant`)."""
    import weasyprint  # heavy: imported only where a PDF is made

    font_config = font_configuration()
    stylesheets = (
        [weasyprint.CSS(filename=stylesheet, font_config=font_config)] if stylesheet else []
    )
    return weasyprint.HTML(string=html).write_pdf(
        stylesheets=stylesheets, font_config=font_config, **options
    )
