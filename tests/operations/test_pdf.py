"""PDFs share one WeasyPrint font configuration per thread (a new one per
PDF made the task workers grow without bound: operations/pdf.py)."""

import threading

from pypdf import PdfReader

from etjanst.operations import pdf

HTML = "<html><body><h1>Kvitto</h1><p>Ärendet är mottaget.</p></body></html>"


def text_of(document: bytes) -> str:
    import io

    return PdfReader(io.BytesIO(document)).pages[0].extract_text()


def test_every_pdf_of_a_thread_uses_the_same_font_configuration(monkeypatch):
    from weasyprint.text import fonts

    made = []
    original = fonts.FontConfiguration.__init__

    def counting(self):
        made.append(self)
        original(self)

    monkeypatch.setattr(pdf, "_local", threading.local())
    monkeypatch.setattr(fonts.FontConfiguration, "__init__", counting)
    first = pdf.html_to_pdf(HTML)
    second = pdf.html_to_pdf(HTML)
    assert "Ärendet är mottaget." in text_of(first)
    assert "Ärendet är mottaget." in text_of(second)
    assert len(made) == 1


def test_each_thread_has_its_own_font_configuration(monkeypatch):
    monkeypatch.setattr(pdf, "_local", threading.local())
    seen = []
    thread = threading.Thread(target=lambda: seen.append(pdf.font_configuration()))
    thread.start()
    thread.join()
    assert seen[0] is not pdf.font_configuration()
    assert pdf.font_configuration() is pdf.font_configuration()
