"""The "Välj barn" question: the logged-in person picks one of the children
in their custody, as the population register names them (prefill). The
answer keeps the child's name, personnummer and address (none for a
protected child or guardian), and the other guardians. Registered with the
form engine's question types when the app starts."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etjanst.eid import personnummer as pnr
from etjanst.eservices.formschema import register_question_check
from etjanst.eservices.questions import AnswerError, QuestionType, question_types
from etjanst.prefill.base import Address, PersonRecord, Relative

from .rules import age


@question_types.register("child")
class ChildQuestion(QuestionType):
    template_name = "portal/questions/child.html"
    register_attribute = "children"
    register_only = True
    not_allowed_message = gettext_lazy(
        "Du kan bara välja ett av barnen i listan: de barn som du är vårdnadshavare för "
        "enligt folkbokföringen."
    )

    def offer(
        self, question, record: PersonRecord
    ) -> tuple[list[list[str]], dict[str, dict], dict[str, Any]]:
        """The children that can be chosen ([value, label]), the answer each
        stands for, and the children that cannot be chosen here with why."""
        choices, records, excluded, notes, protected = [], {}, [], {}, []
        for child in record.children:
            label = f"{child.name} ({pnr.mask(child.personnummer)})"
            reason = why_not(question, child)
            if reason:
                excluded.append([label, reason])
                continue
            answer = answer_for(child, record)
            choices.append([child.personnummer, label])
            records[child.personnummer] = answer
            notes[child.personnummer] = _guardians_note(answer)
            if answer["protected"]:
                protected.append(child.personnummer)
        details = {"excluded": excluded, "notes": notes, "protected": protected, "answered": True}
        return choices, records, details

    def clean(self, question, raw, *, required, existing=None):
        if isinstance(raw, dict):  # a kept answer, checked again before sending
            if not pnr.is_valid(str(raw.get("personnummer", ""))) or not raw.get("name"):
                raise AnswerError(self.not_allowed_message)
            return raw
        value = raw.strip() if isinstance(raw, str) else ""
        if not value:
            if required:
                raise AnswerError(
                    question.options.get("required_message") or _("Välj vilket barn det gäller.")
                )
            return None
        try:
            return pnr.parse(value)
        except pnr.InvalidPersonnummer:
            raise AnswerError(str(self.not_allowed_message)) from None

    def protects(self, value):
        return isinstance(value, dict) and bool(value.get("protected"))

    def display(self, question, value):
        if not isinstance(value, dict):
            return ""
        parts = [f"{value['name']}, {pnr.display(value['personnummer'])}"]
        address = value.get("address")
        if value.get("protected"):
            parts.append(_("Skyddade personuppgifter: adressen visas inte"))
        elif address:
            care_of = f"c/o {address['care_of']}, " if address.get("care_of") else ""
            parts.append(
                f"{care_of}{address['street']}, {address['postal_code']} {address['city']}"
            )
        others = [g["name"] for g in value.get("guardians", [])]
        if others:
            parts.append(_("Andra vårdnadshavare: %(names)s") % {"names": ", ".join(others)})
        else:
            parts.append(_("Ensam vårdnad"))
        return ". ".join(parts)

    def chosen(self, value) -> str:
        """The chosen child's personnummer, for showing the choice again."""
        return value.get("personnummer", "") if isinstance(value, dict) else (value or "")


def _guardians_note(answer: dict) -> str:
    names = [g["name"] for g in answer["guardians"]]
    if not names:
        return _("Du har ensam vårdnad.")
    return _("Andra vårdnadshavare: %(names)s") % {"names": ", ".join(names)}


def why_not(question, child: Relative) -> str:
    """Why the child cannot be chosen in this e-service, or ""."""
    years = age(child.personnummer)
    low, high = question.options.get("min_age"), question.options.get("max_age")
    if (low is not None and years < low) or (high is not None and years > high):
        return _("E-tjänsten gäller barn som är %(low)s–%(high)s år. %(name)s är %(age)d år.") % {
            "low": 0 if low is None else low,
            "high": 17 if high is None else high,
            "name": child.given_name,
            "age": years,
        }
    if question.options.get("in_municipality") and (
        child.municipality != settings.ETJANST_MUNICIPALITY.get("code")
    ):
        return _("%(name)s är inte folkbokförd i %(municipality)s.") % {
            "name": child.given_name,
            "municipality": settings.ETJANST_MUNICIPALITY["name"],
        }
    return ""


def answer_for(child: Relative, record: PersonRecord) -> dict[str, Any]:
    """What the case keeps about the chosen child: no address when the child,
    the person or another guardian has protected identity. The other
    guardians are kept with their personnummer (to ask them to sign) but are
    shown by name only."""
    others = [g for g in child.guardians if g.personnummer != record.personnummer]
    protected = child.protected or record.protected or any(g.protected for g in others)
    answer: dict[str, Any] = {
        "personnummer": child.personnummer,
        "name": child.name,
        "protected": protected,
        "municipality": child.municipality,
        "guardians": [
            {
                "personnummer": g.personnummer,
                "name": g.name,
                "protected": g.protected,
                "same_address": _same(g.address, record.address),
            }
            for g in others
        ],
    }
    if not protected and child.address is not None:
        address = child.address
        answer["address"] = {
            "street": address.street,
            "postal_code": address.postal_code,
            "city": address.city,
            **({"care_of": address.care_of} if address.care_of else {}),
        }
    return answer


def _same(one: Address | None, other: Address | None) -> bool:
    return one is not None and other is not None and one == other


@register_question_check
def check_child_question(question: dict) -> list[str]:
    """A child question's age range must make sense, and "must live in the
    municipality" needs the municipality's kommunkod."""
    if question["type"] != "child":
        return []
    messages = []
    low, high = question.get("min_age", 0), question.get("max_age", 17)
    if low > high:
        messages.append(
            _("Frågan %(id)s: den lägsta åldern är högre än den högsta.") % {"id": question["id"]}
        )
    if question.get("in_municipality") and not settings.ETJANST_MUNICIPALITY.get("code"):
        messages.append(
            _(
                "Frågan %(id)s kräver att barnet är folkbokfört i kommunen, men kommunkoden "
                "saknas (ETJANST_MUNICIPALITY_CODE)."
            )
            % {"id": question["id"]}
        )
    return messages
