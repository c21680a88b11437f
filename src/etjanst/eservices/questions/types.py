"""The built-in question types."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from etjanst.eid import personnummer as pnr

from ..filetypes import KINDS, FileKind, kind_by_name, sniff
from . import question_types
from .base import AnswerError, QuestionType

if TYPE_CHECKING:  # the form schema uses the types; the types only name it
    from ..formschema import Question

MAX_TEXT = 20000


def _required_message(question: Question) -> str:
    if question.options.get("required_message"):
        return question.options["required_message"]
    return _("Fyll i ”%(label)s”.") % {"label": question.label.rstrip(" ?:*")}


def _text(raw: Any) -> str:
    return raw.strip() if isinstance(raw, str) else ""


@question_types.register("short_text")
class ShortText(QuestionType):
    template_name = "portal/questions/text.html"
    default_max_length = 200

    def clean(self, question, raw, *, required, existing=None):
        value = _text(raw).replace("\r\n", "\n")
        if not value:
            if required:
                raise AnswerError(_required_message(question))
            return None
        rules = question.validation
        max_length = min(rules.get("max_length", self.default_max_length), MAX_TEXT)
        if len(value) > max_length:
            raise AnswerError(
                _("Svaret får vara högst %(max)d tecken långt. Nu är det %(length)d tecken.")
                % {"max": max_length, "length": len(value)}
            )
        if len(value) < rules.get("min_length", 0):
            raise AnswerError(
                _("Svaret behöver vara minst %(min)d tecken långt.") % {"min": rules["min_length"]}
            )
        if "pattern" in rules and not re.fullmatch(rules["pattern"], value):
            raise AnswerError(rules.get("pattern_message") or _("Svaret har fel format."))
        return value


@question_types.register("long_text")
class LongText(ShortText):
    template_name = "portal/questions/textarea.html"
    default_max_length = 4000


NUMBER_RE = re.compile(r"-?\d{1,15}(\.\d{1,10})?")


@question_types.register("number")
class Number(QuestionType):
    template_name = "portal/questions/text.html"

    def clean(self, question, raw, *, required, existing=None):
        text = _text(raw).replace(" ", "").replace("\u00a0", "").replace(",", ".")
        if not text:
            if required:
                raise AnswerError(_required_message(question))
            return None
        rules = question.validation
        # Plain decimal notation only: "1e999999" would be a costly integer.
        number = None
        if NUMBER_RE.fullmatch(text):
            try:
                number = Decimal(text)
            except InvalidOperation:
                number = None
        if number is None:
            raise AnswerError(_("Skriv ett tal, till exempel 12 eller 12,5."))
        if rules.get("integer") and number != number.to_integral_value():
            raise AnswerError(_("Skriv ett heltal, utan decimaler."))
        if "min" in rules and number < Decimal(str(rules["min"])):
            raise AnswerError(
                _("Talet får inte vara mindre än %(min)s.") % {"min": _number(rules["min"])}
            )
        if "max" in rules and number > Decimal(str(rules["max"])):
            raise AnswerError(
                _("Talet får inte vara större än %(max)s.") % {"max": _number(rules["max"])}
            )
        return int(number) if number == number.to_integral_value() else float(number)

    def display(self, question, value):
        return "" if value is None else _number(value)


def _number(value: float | int) -> str:
    return formats.number_format(value, use_l10n=True)


@question_types.register("email")
class Email(QuestionType):
    template_name = "portal/questions/text.html"
    validator = EmailValidator()

    def clean(self, question, raw, *, required, existing=None):
        value = _text(raw)
        if not value:
            if required:
                raise AnswerError(_required_message(question))
            return None
        return clean_email(value)


def clean_email(value: str) -> str:
    try:
        if len(value) > 254:
            raise ValidationError("too long")
        EmailValidator()(value)
    except ValidationError:
        raise AnswerError(_("Skriv en e-postadress i formen namn@exempel.se.")) from None
    return value


PHONE_RE = re.compile(r"^\+?[0-9 ()-]{5,25}$")


def clean_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if not PHONE_RE.fullmatch(value) or not 7 <= len(digits) <= 15:
        raise AnswerError(
            _("Skriv ett telefonnummer med 7–15 siffror, till exempel 070-123 45 67.")
        )
    return value


@question_types.register("phone")
class Phone(QuestionType):
    template_name = "portal/questions/text.html"

    def clean(self, question, raw, *, required, existing=None):
        value = _text(raw)
        if not value:
            if required:
                raise AnswerError(_required_message(question))
            return None
        return clean_phone(value)


@question_types.register("personnummer")
class Personnummer(QuestionType):
    """A personnummer, stored as 12 digits. With `allow_samordningsnummer` a
    samordningsnummer is accepted too. When the register gave the logged-in
    guardian's children as choices, one of them must be chosen."""

    template_name = "portal/questions/personnummer.html"

    def clean(self, question, raw, *, required, existing=None):
        value = _text(raw)
        if not value:
            if required:
                raise AnswerError(_required_message(question))
            return None
        return clean_personnummer(
            value, allow_samordningsnummer=question.options.get("allow_samordningsnummer", False)
        )

    def display(self, question, value):
        return format_personnummer(value) if value else ""


def clean_personnummer(value: str, *, allow_samordningsnummer: bool = False) -> str:
    """Validated and normalised to 12 digits (YYYYMMDDNNNN)."""
    try:
        return pnr.parse(value, allow_samordningsnummer=allow_samordningsnummer)
    except pnr.InvalidPersonnummer as exc:
        raise AnswerError(exc.message) from None


def format_personnummer(value: str) -> str:
    return pnr.display(value)


def relative_date(spec: str) -> datetime.date:
    today = timezone.localdate()
    if spec.startswith("today"):
        return today + datetime.timedelta(days=int(spec[5:] or 0))
    return datetime.date.fromisoformat(spec)


@question_types.register("date")
class Date(QuestionType):
    template_name = "portal/questions/date.html"

    def clean(self, question, raw, *, required, existing=None):
        value = _text(raw)
        if not value:
            if required:
                raise AnswerError(_required_message(question))
            return None
        try:
            date = datetime.date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            date = None
        if date is None:
            raise AnswerError(_("Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-03-15."))
        rules = question.validation
        if "min_date" in rules and date < (earliest := relative_date(rules["min_date"])):
            raise AnswerError(_("Datumet får inte vara före %(date)s.") % {"date": earliest})
        if "max_date" in rules and date > (latest := relative_date(rules["max_date"])):
            raise AnswerError(_("Datumet får inte vara efter %(date)s.") % {"date": latest})
        return date.isoformat()


@question_types.register("single_choice")
class SingleChoice(QuestionType):
    template_name = "portal/questions/single_choice.html"

    def clean(self, question, raw, *, required, existing=None):
        value = _text(raw)
        if not value:
            if required:
                raise AnswerError(_("Välj ett alternativ."))
            return None
        if value not in {c.value for c in question.choices}:
            raise AnswerError(_("Välj ett av alternativen i listan."))
        return value

    def display(self, question, value):
        return question.choice_label(value) if value else ""


@question_types.register("multiple_choice")
class MultipleChoice(QuestionType):
    template_name = "portal/questions/multiple_choice.html"

    def raw_value(self, question, data, files):
        return data.getlist(self.field_name(question))

    def clean(self, question, raw, *, required, existing=None):
        values = [v for v in raw if isinstance(v, str)] if isinstance(raw, list) else []
        allowed = [c.value for c in question.choices]
        if any(v not in allowed for v in values):
            raise AnswerError(_("Välj bland alternativen i listan."))
        chosen = [v for v in allowed if v in values]  # form order, no duplicates
        if not chosen:
            if required:
                raise AnswerError(_("Välj minst ett alternativ."))
            return None
        rules = question.validation
        if len(chosen) < rules.get("min_choices", 0):
            n = rules["min_choices"]
            raise AnswerError(
                ngettext("Välj minst %(n)d alternativ.", "Välj minst %(n)d alternativ.", n)
                % {"n": n}
            )
        if "max_choices" in rules and len(chosen) > rules["max_choices"]:
            n = rules["max_choices"]
            raise AnswerError(
                ngettext("Välj högst %(n)d alternativ.", "Välj högst %(n)d alternativ.", n)
                % {"n": n}
            )
        return chosen

    def display(self, question, value):
        return ", ".join(question.choice_label(v) for v in value or [])


@question_types.register("yes_no")
class YesNo(QuestionType):
    template_name = "portal/questions/yes_no.html"

    def clean(self, question, raw, *, required, existing=None):
        value = _text(raw)
        if not value:
            if required:
                raise AnswerError(_("Svara ja eller nej."))
            return None
        if value not in {"yes", "no"}:
            raise AnswerError(_("Svara ja eller nej."))
        return value

    def display(self, question, value):
        return {"yes": _("Ja"), "no": _("Nej")}.get(value, "")


@question_types.register("confirmation")
class Confirmation(QuestionType):
    template_name = "portal/questions/confirmation.html"

    def clean(self, question, raw, *, required, existing=None):
        checked = raw == "on"
        if not checked:
            if required:
                raise AnswerError(_("Kryssa i rutan för att gå vidare."))
            return None
        return True

    def display(self, question, value):
        return _("Ja") if value else ""


@question_types.register("info")
class Info(QuestionType):
    template_name = "portal/questions/info.html"
    has_answer = False

    def raw_value(self, question, data, files):
        return None

    def clean(self, question, raw, *, required, existing=None):
        return None


class Composite(QuestionType):
    """A question with several parts (address, contact details)."""

    template_name = "portal/questions/composite.html"

    def raw_value(self, question, data, files):
        return {part: data.get(self.field_name(question, part), "") for part, *_ in self.parts}

    def stripped_parts(self, raw: Any) -> dict[str, str]:
        raw = raw if isinstance(raw, dict) else {}
        return {part: _text(raw.get(part)) for part, *_ in self.parts}

    def display(self, question, value):
        if not value:
            return ""
        return ", ".join(str(value[part]) for part, *_ in self.parts if value.get(part))


@question_types.register("address")
class Address(Composite):
    parts = (
        ("care_of", gettext_lazy("c/o (om det finns)"), "off"),
        ("street", gettext_lazy("Gatuadress"), "street-address"),
        ("postal_code", gettext_lazy("Postnummer"), "postal-code"),
        ("city", gettext_lazy("Ort"), "address-level2"),
    )

    def clean(self, question, raw, *, required, existing=None):
        value = self.stripped_parts(raw)
        if not any(value.values()) and not required:
            return None
        errors = {}
        if not value["street"]:
            errors["street"] = _("Fyll i gatuadress.")
        postal = value["postal_code"].replace(" ", "")
        if not postal:
            errors["postal_code"] = _("Fyll i postnummer.")
        elif not re.fullmatch(r"\d{5}", postal):
            errors["postal_code"] = _("Skriv postnumret med fem siffror, till exempel 123 45.")
        if not value["city"]:
            errors["city"] = _("Fyll i ort.")
        for part in ("care_of", "street", "city"):
            if len(value[part]) > 100 and part not in errors:
                errors[part] = _("Högst 100 tecken.")
        if errors:
            raise AnswerError(parts=errors)
        value["postal_code"] = f"{postal[:3]} {postal[3:]}"
        return {k: v for k, v in value.items() if v}

    def display(self, question, value):
        if not value:
            return ""
        lines = [value.get("care_of") and f"c/o {value['care_of']}", value.get("street")]
        lines.append(f"{value.get('postal_code', '')} {value.get('city', '')}".strip())
        return ", ".join(line for line in lines if line)


@question_types.register("contact")
class Contact(Composite):
    parts = (
        ("name", gettext_lazy("Namn"), "name"),
        ("email", gettext_lazy("E-postadress"), "email"),
        ("phone", gettext_lazy("Telefonnummer"), "tel"),
    )

    def clean(self, question, raw, *, required, existing=None):
        value = self.stripped_parts(raw)
        if not any(value.values()) and not required:
            return None
        errors = {}
        email_required = question.options.get("email_required", True)
        phone_required = question.options.get("phone_required", False)
        if not value["name"]:
            errors["name"] = _("Fyll i ditt namn.")
        elif len(value["name"]) > 200:
            errors["name"] = _("Högst 200 tecken.")
        for part, needed, cleaner, message in (
            ("email", email_required, clean_email, _("Fyll i din e-postadress.")),
            ("phone", phone_required, clean_phone, _("Fyll i ditt telefonnummer.")),
        ):
            if value[part]:
                try:
                    cleaner(value[part])
                except AnswerError as exc:
                    errors[part] = exc.messages[""]
            elif needed:
                errors[part] = message
        if errors:
            raise AnswerError(parts=errors)
        return {k: v for k, v in value.items() if v}


@dataclass
class FileAnswer:
    """A file question's answer while a step is being saved: the files kept
    from before and new, validated uploads not yet stored."""

    kept: list[dict] = field(default_factory=list)
    new: list[tuple[UploadedFile, FileKind]] = field(default_factory=list)


@question_types.register("file")
class File(QuestionType):
    template_name = "portal/questions/file.html"
    default_types = ("pdf", "jpeg", "png")
    default_max_size_mb = 10

    def accepted_kinds(self, question: Question) -> list[FileKind]:
        return [KINDS[k] for k in question.validation.get("file_types", self.default_types)]

    def max_bytes(self, question: Question) -> int:
        return int(question.validation.get("max_size_mb", self.default_max_size_mb) * 1024 * 1024)

    def raw_value(self, question, data: QueryDict, files):
        return {
            "remove": data.getlist(self.field_name(question, "remove")),
            "files": [f for f in files.get(self.field_name(question), []) if f.name or f.size],
        }

    def clean(self, question, raw, *, required, existing=None):
        raw = raw if isinstance(raw, dict) else {"remove": [], "files": []}
        kept = [f for f in (existing or []) if f["id"] not in raw["remove"]]
        answer = FileAnswer(kept=kept)
        accepted = self.accepted_kinds(question)
        limit = self.max_bytes(question)
        for upload in raw["files"]:
            name = upload.name or _("filen")
            if upload.size == 0:
                raise AnswerError(_("Filen %(name)s är tom.") % {"name": name})
            if upload.size > limit:
                raise AnswerError(
                    _("Filen %(name)s är för stor (%(size)s). Största tillåtna storlek är %(max)s.")
                    % {
                        "name": name,
                        "size": filesizeformat(upload.size),
                        "max": filesizeformat(limit),
                    }
                )
            kind = sniff(upload)
            if kind is None or kind not in accepted:
                claimed = kind_by_name(name)
                if claimed in accepted:
                    # The name says an accepted type, the content says otherwise.
                    raise AnswerError(
                        _(
                            "Filen %(name)s heter .%(extension)s, men innehållet är inte en "
                            "%(type)s-fil. Filen kan vara skadad eller ha fått fel namn. Spara den "
                            "på nytt som %(type)s och försök igen."
                        )
                        % {"name": name, "extension": claimed.extension, "type": claimed.label}
                    )
                raise AnswerError(
                    _(
                        "Filen %(name)s har en filtyp som inte tas emot. "
                        "Tillåtna filtyper: %(types)s."
                    )
                    % {"name": name, "types": ", ".join(k.label for k in accepted)}
                )
            answer.new.append((upload, kind))
        max_files = question.validation.get("max_files", 1)
        if len(answer.kept) + len(answer.new) > max_files:
            raise AnswerError(
                _("Du kan bifoga högst %(n)d filer här.") % {"n": max_files}
                if max_files > 1
                else _("Du kan bifoga en fil här. Ta bort den gamla filen först.")
            )
        if required and not answer.kept and not answer.new:
            raise AnswerError(_("Bifoga en fil."))
        return answer

    def is_empty(self, value):
        if isinstance(value, FileAnswer):
            return not value.kept and not value.new
        return not value

    def display(self, question, value):
        return ", ".join(f["name"] for f in value or [])
