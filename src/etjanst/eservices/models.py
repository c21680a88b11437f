from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from etjanst.eid.assurance import AssuranceLevel
from etjanst.organisation.models import Committee
from etjanst.people.access import builder_scope

from .constants import GuardianSigning, Login
from .formschema import FormDefinition, parse_form, validate_form_json


class Category(models.Model):
    name = models.CharField(_("namn"), max_length=100, unique=True)
    slug = models.SlugField(_("kortnamn"), unique=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("kategori")
        verbose_name_plural = _("kategorier")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


def live_at(now) -> Q:
    """Versions that are published at `now`: published, or scheduled for a
    time that has come. (Only a scheduled version's time is compared, so a
    published version stays published whatever the clock says.)"""
    return Q(published_at__isnull=False) & (Q(is_scheduled=False) | Q(published_at__lte=now))


class EServiceQuerySet(models.QuerySet):
    def published(self) -> "EServiceQuerySet":
        """E-services a resident can find and start."""
        now = timezone.now()
        has_published = EServiceVersion.objects.filter(live_at(now), eservice=models.OuterRef("pk"))
        return self.filter(models.Exists(has_published), is_active=True).exclude(
            unpublish_at__lte=now
        )

    def with_publication(self, now=None) -> "EServiceQuerySet":
        """Annotated for the builder's list: `last_published` (the newest
        publishing time that has come), `next_published` (a scheduled one)
        and `last_change` (the change log's newest row), one subquery each."""
        now = now or timezone.now()
        versions = EServiceVersion.objects.filter(eservice=models.OuterRef("pk"))
        return self.annotate(
            last_published=models.Subquery(
                versions.filter(live_at(now)).order_by("-published_at").values("published_at")[:1]
            ),
            next_published=models.Subquery(
                versions.filter(is_scheduled=True, published_at__gt=now)
                .order_by("published_at")
                .values("published_at")[:1]
            ),
            last_change=models.Subquery(
                EServiceChange.objects.filter(eservice=models.OuterRef("pk"))
                .order_by("-at")
                .values("at")[:1]
            ),
        )

    def buildable_by(self, user) -> "EServiceQuerySet":
        """The e-services the staff user may build and publish (the builder)."""
        scope = builder_scope(user)
        return self if scope is None else self.filter(scope)

    def search(self, text: str) -> "EServiceQuerySet":
        query = Q()
        for word in text.split()[:10]:
            query &= (
                Q(name__icontains=word)
                | Q(short_description__icontains=word)
                | Q(category__name__icontains=word)
            )
        return self.filter(query)


class EService(models.Model):
    slug = models.SlugField(_("kortnamn"), unique=True, help_text=_("Blir en del av adressen."))
    name = models.CharField(_("namn"), max_length=200)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="eservices", verbose_name=_("kategori")
    )
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name="eservices",
        verbose_name=_("ansvarig nämnd"),
        help_text=_("Ärendena diarieförs i nämndens serie."),
    )
    short_description = models.CharField(_("kort beskrivning"), max_length=300)
    intro_text = models.TextField(_("om e-tjänsten"), help_text=_("Vad e-tjänsten är till för."))
    what_you_need = models.TextField(
        _("det här behöver du"), blank=True, help_text=_("En sak per rad.")
    )
    personal_data_text = models.TextField(
        _("så behandlar vi dina personuppgifter"),
        blank=True,
        help_text=_("Vem som är ansvarig, ändamål, rättslig grund, hur länge uppgifterna sparas."),
    )
    pd_purpose = models.TextField(
        _("ändamål med personuppgifterna"),
        blank=True,
        help_text=_('Varför uppgifterna behandlas, t.ex. "för att pröva din ansökan".'),
    )
    pd_legal_basis = models.CharField(
        _("rättslig grund"),
        max_length=300,
        blank=True,
        help_text=_('T.ex. "Myndighetsutövning (artikel 6.1 e i dataskyddsförordningen)".'),
    )
    pd_recipients = models.TextField(
        _("mottagare"),
        blank=True,
        help_text=_("Vilka som får uppgifterna utanför nämnden, eller att ingen får dem."),
    )
    after_submit_text = models.TextField(
        _("vad händer sedan"),
        blank=True,
        help_text=_("Visas på kvittot efter att ärendet skickats in."),
    )
    login = models.CharField(
        _("inloggning"),
        max_length=10,
        choices=Login.choices,
        default=Login.NONE,
        help_text=_("Om invånaren behöver logga in med e-legitimation för att använda e-tjänsten."),
    )
    requires_signing = models.BooleanField(
        _("kräver underskrift"),
        default=False,
        help_text=_("Invånaren skriver under med BankID innan ärendet skickas. Kräver inloggning."),
    )
    guardian_signing = models.CharField(
        _("underskrift av vårdnadshavare"),
        max_length=20,
        choices=GuardianSigning.choices,
        default=GuardianSigning.NONE,
        blank=True,
        help_text=_(
            "För e-tjänster om ett barn (frågan Välj barn): om alla barnets vårdnadshavare "
            "ska skriva under. Den som har ensam vårdnad skriver under ensam. Kräver "
            "underskrift."
        ),
    )
    eid_loa = models.CharField(
        _("tillitsnivå för e-legitimation"),
        max_length=100,
        choices=AssuranceLevel.choices,
        default=AssuranceLevel.LOA3,
        help_text=_(
            "Den lägsta tillitsnivå en e-legitimation måste ha för att logga in till e-tjänsten."
        ),
    )
    max_attachments_total_mb = models.PositiveIntegerField(
        _("största sammanlagda storlek på bilagor (MB)"), default=50
    )
    draft_retention_days = models.PositiveSmallIntegerField(
        _("sparade utkast finns kvar (dagar)"),
        default=90,
        help_text=_(
            "Så länge finns ett sparat, inte inskickat ärende kvar efter att det sparades "
            "senast. Invånaren får en påminnelse en vecka innan det tas bort."
        ),
    )
    retention_rule = models.ForeignKey(
        "organisation.RetentionRule",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="eservices",
        verbose_name=_("gallringsregel"),
        help_text=_("Hur länge ärendena sparas. Krävs för att e-tjänsten ska kunna publiceras."),
    )
    register_description = models.CharField(
        _("beskrivning i diariet"),
        max_length=200,
        blank=True,
        help_text=_(
            'Vad ärendena gäller, som det står i diariet, t.ex. "Ansökan om '
            'parkeringstillstånd för rörelsehindrade". Tomt: e-tjänstens namn. Diariet visar '
            "aldrig vad invånaren själv har skrivit."
        ),
    )
    senders_are_organisations = models.BooleanField(
        _("avsändarna är organisationer"),
        default=False,
        help_text=_(
            "Visa avsändarens namn i det publika diariet på webben, t.ex. när företag och "
            "föreningar söker tillstånd. Annars står det Privatperson där. Den som loggat in "
            "med e-legitimation visas alltid som Privatperson."
        ),
    )
    offers_anonymity = models.BooleanField(
        _("invånaren kan vara anonym"),
        default=False,
        help_text=_(
            'Frågar "Vill du vara anonym?" innan e-tjänsten startar. Den som svarar ja får '
            "inga frågor om vem hen är, och ärendet kopplas inte till någon, inte ens vid "
            "inloggning."
        ),
    )
    messages_enabled = models.BooleanField(
        _("meddelanden i ärendet"),
        default=True,
        help_text=_("Invånaren och handläggaren kan skriva meddelanden till varandra i ärendet."),
    )
    contact = models.CharField(
        _("kontakt"),
        max_length=300,
        blank=True,
        help_text=_("Vem invånaren kan fråga om e-tjänsten, t.ex. en funktionsbrevlåda."),
    )
    unpublish_at = models.DateTimeField(
        _("avpubliceras"),
        null=True,
        blank=True,
        help_text=_("Från den tiden går e-tjänsten inte längre att hitta eller starta."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    # Raised by every save of the settings in the builder: a save made on an
    # older page is refused, as for the draft's `revision` (no lost update).
    revision = models.PositiveIntegerField(_("ändringsnummer för inställningarna"), default=0)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("skapad"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("ändrad"))

    objects = EServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-tjänst")
        verbose_name_plural = _("e-tjänster")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        problem = self.retention_rule_problem()
        if problem:
            raise ValidationError({"retention_rule": problem})
        if self.requires_signing and self.offers_anonymity:
            raise ValidationError(
                {"offers_anonymity": _("En e-tjänst som kräver underskrift kan inte vara anonym.")}
            )
        if self.guardian_signing and not self.requires_signing:
            raise ValidationError(
                {
                    "guardian_signing": _(
                        "Vårdnadshavarnas underskrift kräver att e-tjänsten kräver underskrift."
                    )
                }
            )
        if self.requires_signing and self.login != Login.REQUIRED:
            raise ValidationError(
                {
                    "requires_signing": _(
                        "En e-tjänst som kräver underskrift måste kräva inloggning."
                    )
                }
            )

    def retention_rule_problem(self) -> str:
        """Why the retention rule cannot apply, or "": a committee's purge
        decision covers only its own cases, so the rule must be the
        e-service's committee's."""
        if not (self.retention_rule_id and self.committee_id):
            return ""
        rule = self.retention_rule
        if rule.committee_id == self.committee_id:
            return ""
        return _(
            "Gallringsregeln %(rule)s är beslutad av %(rule_committee)s, men e-tjänsten hör "
            "till %(committee)s. Välj en gallringsregel som %(committee)s har beslutat."
        ) % {
            "rule": rule.name,
            "rule_committee": rule.committee.name,
            "committee": self.committee.name,
        }

    @cached_property
    def current_version(self) -> "EServiceVersion | None":
        """The newest published version: what a new form starts on (a version
        scheduled for later is not published yet)."""
        return self.versions.filter(live_at(timezone.now())).order_by("-number").first()

    @property
    def anonymity_offered(self) -> bool:
        """Whether "Vill du vara anonym?" is asked: never when the current
        form asks the register about the logged-in person ("Välj barn")."""
        if not self.offers_anonymity:
            return False
        version = self.current_version
        return version is None or not any(
            q.type_plugin.register_only for q in version.definition.questions()
        )

    @property
    def requires_login(self) -> bool:
        return self.login == Login.REQUIRED

    @property
    def offers_login(self) -> bool:
        return self.login != Login.NONE

    @property
    def needs_personnummer(self) -> bool:
        """A login without a Swedish personnummer (a foreign e-ID) is not
        enough: the e-service is signed with BankID, or it requires a login
        and fills in the personnummer from it."""
        if self.requires_signing:
            return True
        version = self.current_version
        if not self.requires_login or version is None:
            return False
        return any(
            question.type == "personnummer" and question.options.get("from_login")
            for question in version.definition.questions()
        )

    @property
    def prefills_from_register(self) -> bool:
        """Whether the form fills in answers from a population register after
        a login (which a foreign e-ID without personnummer cannot use)."""
        version = self.current_version
        return version is not None and any(
            question.prefill for question in version.definition.questions()
        )

    def what_you_need_items(self) -> list[str]:
        return [line.strip(" -•") for line in self.what_you_need.splitlines() if line.strip()]


class EServiceVersion(models.Model):
    """One version of an e-service's form. Once published it never changes:
    forms started on it and cases sent on it keep it."""

    eservice = models.ForeignKey(
        EService, on_delete=models.CASCADE, related_name="versions", verbose_name=_("e-tjänst")
    )
    number = models.PositiveIntegerField(_("version"))
    form = models.JSONField(_("formulär (JSON)"))
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)
    accepts_drafts = models.BooleanField(
        _("sparade utkast kan fortsättas"),
        default=True,
        help_text=_(
            "Stäng av när en ny version ersätter den här och gamla utkast inte längre kan "
            "skickas in. Invånaren får då veta vad som hänt."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("skapad"))
    is_scheduled = models.BooleanField(
        _("schemalagd"),
        default=False,
        help_text=_("Publiceras först vid tiden i Publicerad."),
    )
    # Raised by every builder edit: a save made on an older revision is
    # refused (two administrators on one draft lose no update).
    revision = models.PositiveIntegerField(_("ändringsnummer"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publicerad av"),
    )

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versioner")
        ordering = ["eservice", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["eservice", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.eservice} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if self._published_form_changed():
            raise ValueError("A published version's form cannot change.")
        super().save(*args, **kwargs)

    def clean(self) -> None:
        try:
            validate_form_json(self.form)
        except ValidationError as exc:
            raise ValidationError({"form": exc.messages}) from None
        if self._published_form_changed():
            raise ValidationError(
                {"form": _("En publicerad version kan inte ändras. Skapa en ny version.")}
            )

    def _published_form_changed(self) -> bool:
        if not self.pk:
            return False
        stored = (
            EServiceVersion.objects.filter(pk=self.pk, published_at__isnull=False)
            .values_list("form", flat=True)
            .first()
        )
        return stored is not None and stored != self.form

    @cached_property
    def definition(self) -> FormDefinition:
        if self.published_at is None:  # a draft version may still change
            return parse_form(self.form)
        return _published_definition((self.pk, self.published_at), lambda: self.form)


# Published versions never change, so each process parses a form once. The
# key has the publishing time too: a database may reuse a deleted row's id.
_DEFINITIONS: dict[tuple, FormDefinition] = {}
_MAX_CACHED_DEFINITIONS = 500


def _published_definition(key: tuple, load_form) -> FormDefinition:
    definition = _DEFINITIONS.get(key)
    if definition is None:
        if len(_DEFINITIONS) >= _MAX_CACHED_DEFINITIONS:
            _DEFINITIONS.clear()
        definition = _DEFINITIONS[key] = parse_form(load_form())
    return definition


class EServiceChange(models.Model):
    """One change to an e-service made in the builder (or by an import): the
    e-service's change log (ändringslogg). Written by the actions only."""

    eservice = models.ForeignKey(
        EService, on_delete=models.CASCADE, related_name="changes", verbose_name=_("e-tjänst")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ändrad av"),
    )
    at = models.DateTimeField(_("tid"), auto_now_add=True)
    version_number = models.PositiveIntegerField(_("version"), null=True, blank=True)
    summary = models.CharField(_("ändring"), max_length=500)

    class Meta:
        verbose_name = _("ändring")
        verbose_name_plural = _("ändringslogg")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["eservice", "-at"], name="eservice_change_at")]

    def __str__(self) -> str:
        return self.summary
