"""What the form schema asks of a prefilled question: the source exists and
offers the attribute for this question type (registered on start-up)."""

from django.utils.translation import gettext as _

from etjanst.eservices.formschema import register_question_check

from .registry import prefill_sources


@register_question_check
def check_prefill(question: dict) -> list[str]:
    spec = question.get("prefill")
    if not spec:
        return []
    qid = question["id"]
    if spec["source"] not in prefill_sources:
        return [
            _("Frågan %(id)s hämtar uppgifter från %(source)s, som inte finns.")
            % {"id": qid, "source": spec["source"]}
        ]
    source = prefill_sources[spec["source"]]
    types = source.attributes.get(spec["attribute"])
    if types is None:
        return [
            _("Frågan %(id)s hämtar %(attribute)s, som %(source)s inte har.")
            % {"id": qid, "attribute": spec["attribute"], "source": spec["source"]}
        ]
    if question["type"] not in types:
        return [
            _("Frågan %(id)s är av typen %(type)s och kan inte fyllas i med %(attribute)s.")
            % {"id": qid, "type": question["type"], "attribute": spec["attribute"]}
        ]
    return []
