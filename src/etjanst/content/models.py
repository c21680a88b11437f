from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from etjanst.eservices.models import EService

from .constants import Level, Placement, Scope
from .contrast import MINIMUM_RATIO, contrast_ratio, is_hex_colour


def _in_english() -> bool:
    return (translation.get_language() or "").startswith("en")


class InformationPageQuerySet(models.QuerySet):
    def published(self) -> "InformationPageQuerySet":
        return self.filter(is_published=True)


class InformationPage(models.Model):
    """A page the municipality writes itself: help, how things work."""

    title = models.CharField(_("rubrik"), max_length=200)
    title_en = models.CharField(
        _("rubrik på engelska"), max_length=200, blank=True, help_text=_("Tom: den svenska visas.")
    )
    slug = models.SlugField(
        _("kortnamn"), unique=True, help_text=_("Blir en del av adressen: /information/kortnamn/.")
    )
    body = models.TextField(
        _("brödtext"),
        help_text=_(
            "Markdown: ## Rubrik, **fetstil**, *kursiv*, - punktlista, 1. numrerad lista, "
            "[länktext](https://adress). HTML visas som vanlig text."
        ),
    )
    body_en = models.TextField(
        _("text på engelska"), blank=True, help_text=_("Tom: den svenska visas.")
    )
    placement = models.CharField(
        _("placering"), max_length=10, choices=Placement.choices, default=Placement.FOOTER
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    is_published = models.BooleanField(_("publicerad"), default=True)
    eservices = models.ManyToManyField(
        EService,
        blank=True,
        related_name="information_pages",
        verbose_name=_("länkas från e-tjänsterna"),
        help_text=_("Sidan visas under Läs mer på de här e-tjänsternas startsidor."),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("ändrad"))

    objects = InformationPageQuerySet.as_manager()

    class Meta:
        verbose_name = _("informationssida")
        verbose_name_plural = _("informationssidor")
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("content:page", args=[self.slug])

    @property
    def localized_title(self) -> str:
        return self.title_en if _in_english() and self.title_en else self.title

    @property
    def shows_swedish_body(self) -> bool:
        """True when an English reader gets the Swedish text (no translation yet)."""
        return not (_in_english() and self.body_en)

    @property
    def localized_body(self) -> str:
        return self.body if self.shows_swedish_body else self.body_en


class OperatingMessageQuerySet(models.QuerySet):
    def not_ended(self, now) -> "OperatingMessageQuerySet":
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))

    def current(self, now) -> "OperatingMessageQuerySet":
        return self.not_ended(now).filter(starts_at__lte=now)

    def closing(self, slug: str) -> "OperatingMessageQuerySet":
        return self.filter(closes_eservice=True, scope=Scope.ESERVICE, eservice__slug=slug)


class OperatingMessage(models.Model):
    """A driftmeddelande: shown as a banner on the pages concerned while it
    is current. Scoped to an e-service it may also close that e-service."""

    level = models.CharField(
        _("nivå"), max_length=12, choices=Level.choices, default=Level.INFORMATION
    )
    text = models.TextField(_("meddelande"), max_length=1000)
    text_en = models.TextField(
        _("meddelande på engelska"),
        max_length=1000,
        blank=True,
        help_text=_("Tom: den svenska visas."),
    )
    starts_at = models.DateTimeField(_("visas från"), default=timezone.now)
    ends_at = models.DateTimeField(
        _("visas till"), null=True, blank=True, help_text=_("Tom: visas tills du tar bort det.")
    )
    scope = models.CharField(_("gäller"), max_length=10, choices=Scope.choices, default=Scope.SITE)
    eservice = models.ForeignKey(
        EService,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="operating_messages",
        verbose_name=_("e-tjänst"),
    )
    eid_method = models.CharField(
        _("e-legitimation"),
        max_length=30,
        blank=True,
        help_text=_("Metodens id, till exempel bankid."),
    )
    closes_eservice = models.BooleanField(
        _("stäng e-tjänsten under tiden"),
        default=False,
        help_text=_(
            "Ingen kan starta eller fortsätta e-tjänsten medan meddelandet visas. "
            "Meddelandet visas i stället för Starta-knappen."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("skapat"))

    objects = OperatingMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("driftmeddelande")
        verbose_name_plural = _("driftmeddelanden")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="operating_message_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(scope=Scope.ESERVICE) | Q(eservice__isnull=False),
                name="operating_message_eservice_scope_has_eservice",
            ),
            models.CheckConstraint(
                condition=~Q(scope=Scope.EID) | ~Q(eid_method=""),
                name="operating_message_eid_scope_has_method",
            ),
            models.CheckConstraint(
                condition=Q(closes_eservice=False) | Q(scope=Scope.ESERVICE),
                name="operating_message_only_eservice_closes",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def clean(self) -> None:
        from etjanst.eid.registry import eid_methods

        errors = {}
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("Sluttiden måste vara efter starttiden.")
        if self.scope == Scope.ESERVICE and self.eservice_id is None:
            errors["eservice"] = _("Välj vilken e-tjänst meddelandet gäller.")
        if self.scope != Scope.ESERVICE and self.eservice_id is not None:
            errors["eservice"] = _("Välj e-tjänst bara när meddelandet gäller en e-tjänst.")
        if self.scope == Scope.EID and self.eid_method not in eid_methods:
            known = ", ".join(sorted(eid_methods.ids())) or "-"
            errors["eid_method"] = _("Ange en e-legitimation som finns: %(known)s.") % {
                "known": known
            }
        if self.scope != Scope.EID and self.eid_method:
            errors["eid_method"] = _(
                "Ange e-legitimation bara när meddelandet gäller en e-legitimation."
            )
        if self.closes_eservice and self.scope != Scope.ESERVICE:
            errors["closes_eservice"] = _("Bara ett meddelande om en e-tjänst kan stänga den.")
        if errors:
            raise ValidationError(errors)

    def is_current(self, now) -> bool:
        return self.starts_at <= now and (self.ends_at is None or now < self.ends_at)

    @property
    def localized_text(self) -> str:
        return self.text_en if _in_english() and self.text_en else self.text


hex_colour = RegexValidator(
    r"^#(?:[0-9a-fA-F]{3}){1,2}$", _("Ange färgen som en hexkod, till exempel #1f5f8b.")
)
LOGO_MAX_BYTES = 512 * 1024


def validate_logo_size(file) -> None:
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(_("Logotypen får vara högst 512 kB."))


class SiteSettings(models.Model):
    """The site's look and the municipality's details, edited in admin.
    A single row; every empty field falls back to the installation's
    environment (settings.ETJANST_MUNICIPALITY)."""

    SINGLETON_ID = 1

    municipality_name = models.CharField(_("kommunens namn"), max_length=100, blank=True)
    logo = models.ImageField(
        _("logotyp"),
        upload_to="content/logo/",
        blank=True,
        validators=[
            FileExtensionValidator(["png", "jpg", "jpeg", "webp"]),
            validate_logo_size,
        ],
        help_text=_("PNG, JPEG eller WebP, högst 512 kB. Visas 40 × 40 pixlar."),
    )
    primary_colour = models.CharField(
        _("huvudfärg"),
        max_length=7,
        blank=True,
        validators=[hex_colour],
        help_text=_("Sidhuvud, knappar och länkar, till exempel #1f5f8b."),
    )
    text_on_primary = models.CharField(
        _("textfärg på huvudfärgen"),
        max_length=7,
        blank=True,
        validators=[hex_colour],
        help_text=_("Text i sidhuvudet och på knappar, oftast vit: #ffffff."),
    )
    email = models.EmailField(_("e-post"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    website = models.URLField(_("kommunens webbplats"), blank=True)
    footer_links = models.TextField(
        _("länkar i sidfoten"),
        blank=True,
        help_text=_("En länk per rad: Länktext | https://adress"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("ändrad"))

    class Meta:
        verbose_name = _("webbplatsens utseende och kontaktuppgifter")
        verbose_name_plural = _("webbplatsens utseende och kontaktuppgifter")

    def __str__(self) -> str:
        return str(_("Webbplatsens utseende och kontaktuppgifter"))

    def save(self, *args, **kwargs) -> None:
        self.pk = self.SINGLETON_ID
        super().save(*args, **kwargs)

    def effective_colours(self) -> tuple[str, str]:
        defaults = settings.ETJANST_MUNICIPALITY
        primary = self.primary_colour or defaults.get("primary_colour", "#1f5f8b")
        on_primary = self.text_on_primary or defaults.get("text_on_primary", "#ffffff")
        return primary, on_primary

    def clean(self) -> None:
        errors = {}
        primary, on_primary = self.effective_colours()
        if is_hex_colour(primary) and is_hex_colour(on_primary):
            ratio = contrast_ratio(primary, on_primary)
            if ratio < MINIMUM_RATIO:
                errors["text_on_primary"] = _(
                    "Kontrasten mellan textfärgen och huvudfärgen är %(ratio).1f:1. Den måste "
                    "vara minst 4,5:1 för att texten ska gå att läsa. Välj en mörkare "
                    "huvudfärg eller en annan textfärg."
                ) % {"ratio": ratio}
            ratio = contrast_ratio(primary, "#ffffff")
            if ratio < MINIMUM_RATIO:
                errors["primary_colour"] = _(
                    "Huvudfärgen har kontrasten %(ratio).1f:1 mot den vita bakgrunden. Länkar "
                    "har huvudfärgen, så kontrasten måste vara minst 4,5:1. Välj en mörkare färg."
                ) % {"ratio": ratio}
        try:
            self.parsed_footer_links()
        except ValueError as exc:
            errors["footer_links"] = str(exc)
        if errors:
            raise ValidationError(errors)

    def parsed_footer_links(self) -> list[tuple[str, str]]:
        """[(text, url)]; ValueError with a Swedish message on a bad line."""
        from django.core.validators import URLValidator

        links = []
        validate = URLValidator(schemes=["https", "http"])
        for number, line in enumerate(self.footer_links.splitlines(), start=1):
            if not line.strip():
                continue
            text, separator, url = (part.strip() for part in line.partition("|"))
            try:
                if not (separator and text and url):
                    raise ValidationError("")
                validate(url)
            except ValidationError:
                raise ValueError(
                    _("Rad %(number)s ska se ut så här: Länktext | https://adress")
                    % {"number": number}
                ) from None
            links.append((text, url))
        return links
