"""The booking question: the resident picks a free time of a resource.
The answer is the slot's start in UTC (`2026-03-30T07:00Z`). Holding the
time while the form is finished and confirming it on submit are the
bookings app's actions (called from the submission pipeline). Registered
with the form engine's question types when the bookings app starts."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from etjanst.eservices.formschema import register_question_check
from etjanst.eservices.questions import AnswerError, QuestionType, question_types

from .models import Resource
from .schedule import is_slot_start, parse_slot_value


@question_types.register("booking")
class BookingQuestion(QuestionType):
    template_name = "portal/questions/booking.html"
    default_days = 14

    @staticmethod
    def resource(question):
        return Resource.objects.filter(slug=question.options.get("resource", "")).first()

    def clean(self, question, raw, *, required, existing=None):
        value = raw.strip() if isinstance(raw, str) else ""
        if not value:
            if required:
                raise AnswerError(question.options.get("required_message") or _("Välj en tid."))
            return None
        starts_at = parse_slot_value(value)
        resource = self.resource(question)
        if resource is None or not resource.is_active:
            raise AnswerError(_("Det går inte att boka tider här just nu."))
        if starts_at is None or is_slot_start(resource, starts_at) is None:
            raise AnswerError(_("Den tiden finns inte. Välj en av tiderna i listan."))
        if starts_at <= timezone.now():
            raise AnswerError(_("Den tiden har redan varit. Välj en ny tid."))
        return value

    def display(self, question, value):
        starts_at = parse_slot_value(value) if value else None
        if starts_at is None:
            return ""
        local = timezone.localtime(starts_at)
        resource = self.resource(question)
        text = _("%(day)s kl. %(time)s") % {
            "day": date_format(local, "l j F Y"),
            "time": date_format(local, "H:i"),
        }
        return f"{text}, {resource.name}" if resource else text


@register_question_check
def check_resource(question: dict) -> list[str]:
    """A booking question must name a resource that exists."""
    if question["type"] != "booking":
        return []
    if Resource.objects.filter(slug=question["resource"]).exists():
        return []
    return [
        _("Frågan %(id)s bokar tider hos %(resource)s, som inte finns.")
        % {"id": question["id"], "resource": question["resource"]}
    ]
