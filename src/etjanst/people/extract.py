"""The register extract (GDPR article 15): everything the platform holds
about a resident — profile, drafts, cases with their answers, files, status
history and messages, bookings, and who at the municipality opened them.

Each app that keeps personal data registers a section here when it starts
(`@personal_data("bookings")` in its `personal_data.py`, imported by its
AppConfig.ready), so the extract covers every app without this module
depending on them; a test checks that every table pointing at a resident
is covered."""

import json
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation

from etjanst.eid.personnummer import mask
from etjanst.operations.pdf import html_to_pdf

from .models import DataExtract, Resident

Section = Callable[[Resident], Any]
sections: dict[str, Section] = {}


def personal_data(name: str) -> Callable[[Section], Section]:
    """Register the function that gives the section `name` of a person's
    extract (JSON-ready)."""

    def register(section: Section) -> Section:
        sections[name] = section
        return section

    return register


def gather(owner: Resident) -> dict:
    """The data, as a JSON-ready dict: the profile, then every section an
    app registered. Only the owner's."""
    data = {
        "made_at": timezone.now().isoformat(),
        "profile": {
            "personnummer": owner.personnummer,
            "foreign_id": owner.foreign_id,
            "given_name": owner.given_name,
            "surname": owner.surname,
            "stored_since": owner.created_at.isoformat(),
        },
    }
    for name, section in sections.items():
        data[name] = section(owner)
    return data


def public_answers(answers: dict) -> dict:
    """The answers as the person gave them (without the form's own marks).
    Other people named in an answer (a child's other guardians) are someone
    else's personal data: their personnummer is masked."""
    return {k: _others_masked(v) for k, v in answers.items() if not k.startswith("_")}


def _others_masked(value):
    if isinstance(value, dict) and isinstance(value.get("guardians"), list):
        guardians = [
            {**g, "personnummer": mask(str(g.get("personnummer", "")))}
            if isinstance(g, dict)
            else g
            for g in value["guardians"]
        ]
        return {**value, "guardians": guardians}
    return value


def build(extract: DataExtract) -> DataExtract:
    data = gather(extract.owner)
    with translation.override("sv"):
        html = render_to_string("people/extract_pdf.html", {"data": data, "extract": extract})
    pdf = html_to_pdf(html)
    extract.json_file.save(
        "registerutdrag.json",
        ContentFile(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")),
        save=False,
    )
    extract.pdf_file.save("registerutdrag.pdf", ContentFile(pdf), save=False)
    extract.state = DataExtract.State.READY
    extract.save()
    return extract


def delete_old_extracts(*, days: int = 7) -> int:
    """Extracts are kept a week: the resident downloads theirs, then it goes."""
    cutoff = timezone.now() - timezone.timedelta(days=days)
    old = list(DataExtract.objects.filter(requested_at__lt=cutoff))
    for extract in old:
        for field in (extract.json_file, extract.pdf_file):
            if field:
                field.delete(save=False)
        extract.delete()
    return len(old)
