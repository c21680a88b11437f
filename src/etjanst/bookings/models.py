"""Resources that can be booked, their opening schedules, the slots that
have been taken or blocked, and bookings.

A slot row exists only once someone has held, booked or blocked it: free
times are computed from the schedule. `Slot.booked` counts the bookings that
take a place (held or confirmed); it only ever changes with a conditional
UPDATE, and a check constraint keeps it within the capacity, so the database
itself refuses a double booking."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import BookingStatus, Weekday


class ResourceQuerySet(models.QuerySet):
    def managed_by(self, user) -> "ResourceQuerySet":
        """The resources a staff member manages (a superuser: all)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(managers=user)


class Resource(models.Model):
    slug = models.SlugField(_("kortnamn"), unique=True)
    name = models.CharField(_("namn"), max_length=200)
    place = models.CharField(_("plats"), max_length=300, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    committee = models.ForeignKey(
        "organisation.Committee", on_delete=models.PROTECT, verbose_name=_("nämnd")
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_resources",
        verbose_name=_("personal som hanterar bokningarna"),
    )
    slot_minutes = models.PositiveSmallIntegerField(_("tidens längd (minuter)"), default=30)
    capacity = models.PositiveSmallIntegerField(_("platser per tid"), default=1)
    book_ahead_days = models.PositiveSmallIntegerField(
        _("går att boka så här många dagar framåt"), default=60
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        _("senast så här många timmar före"), default=2
    )
    change_deadline_hours = models.PositiveSmallIntegerField(
        _("avboka eller omboka senast så här många timmar före"), default=24
    )
    is_active = models.BooleanField(_("går att boka"), default=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resurs")
        verbose_name_plural = _("resurser")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="resource_slot_min_5"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="resource_capacity_min_1"),
        ]

    def __str__(self) -> str:
        return self.name

    def change_deadline_for(self, starts_at):
        """Until when a booking of the time starting at `starts_at` can be
        cancelled or rebooked by the resident on the web."""
        from datetime import timedelta

        return starts_at - timedelta(hours=self.change_deadline_hours)


class OpeningRule(models.Model):
    """Weekly opening hours in local wall-clock time (Europe/Stockholm)."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="rules", verbose_name=_("resurs")
    )
    weekday = models.PositiveSmallIntegerField(_("veckodag"), choices=Weekday.choices)
    opens = models.TimeField(_("öppnar"))
    closes = models.TimeField(_("stänger"))

    class Meta:
        verbose_name = _("öppettid")
        verbose_name_plural = _("öppettider")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=models.F("opens")), name="rule_order")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ScheduleException(models.Model):
    """A day that differs from the weekly rules: closed (a holiday), or open
    other hours (then those replace the day's rules)."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="exceptions", verbose_name=_("resurs")
    )
    date = models.DateField(_("datum"))
    opens = models.TimeField(_("öppnar"), null=True, blank=True)
    closes = models.TimeField(_("stänger"), null=True, blank=True)
    note = models.CharField(_("anledning"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("avvikande dag")
        verbose_name_plural = _("avvikande dagar")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(opens__isnull=True) & Q(closes__isnull=True))
                | Q(closes__gt=models.F("opens")),
                name="exception_closed_or_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.note}".strip()

    @property
    def is_closed(self) -> bool:
        return self.opens is None


class Slot(models.Model):
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="slots", verbose_name=_("resurs")
    )
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"))
    capacity = models.PositiveSmallIntegerField(_("platser"))
    booked = models.PositiveSmallIntegerField(_("tagna platser"), default=0)
    blocked = models.BooleanField(_("spärrad"), default=False)
    block_reason = models.CharField(_("anledning till spärren"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("tid")
        verbose_name_plural = _("tider")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "starts_at"], name="one_slot_per_start"),
            models.CheckConstraint(
                condition=Q(booked__lte=models.F("capacity")), name="slot_never_overbooked"
            ),
            models.CheckConstraint(condition=Q(booked__gte=0), name="slot_booked_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class BookingQuerySet(models.QuerySet):
    def owned_by(self, resident) -> "BookingQuerySet":
        """A resident's own bookings (Mina bokningar). Holds and the old half
        of a rebooking are not shown."""
        if resident is None:
            return self.none()
        return self.filter(
            resident=resident, status__in=[BookingStatus.CONFIRMED, BookingStatus.CANCELLED]
        )

    def held_by(self, hold_key: str) -> "BookingQuerySet":
        """The times a form being filled in holds (its upload owner is the
        key), not yet run out."""
        if not hold_key:
            return self.none()
        return self.filter(
            hold_key=hold_key, status=BookingStatus.HELD, hold_expires_at__gt=timezone.now()
        )

    def upcoming(self) -> "BookingQuerySet":
        return self.filter(
            status=BookingStatus.CONFIRMED, slot__ends_at__gt=timezone.now()
        ).order_by("slot__starts_at")

    def past(self) -> "BookingQuerySet":
        return self.exclude(
            status=BookingStatus.CONFIRMED, slot__ends_at__gt=timezone.now()
        ).order_by("-slot__starts_at")

    def for_resource_staff(self, user) -> "BookingQuerySet":
        return self.filter(resource__in=Resource.objects.managed_by(user))


class Booking(models.Model):
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("resurs")
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("tid")
    )
    status = models.CharField(_("status"), max_length=20, choices=BookingStatus.choices)
    resident = models.ForeignKey(
        "people.Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("invånare"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("ärende"),
    )
    # The form session that holds the time (its upload owner key).
    hold_key = models.CharField(
        max_length=64, blank=True, db_index=True, verbose_name=_("reservationsnyckel")
    )
    hold_expires_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reserverad till"))
    name = models.CharField(_("namn"), max_length=300, blank=True)
    email = models.EmailField(_("e-postadress"), blank=True)
    rebooked_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rebooked_to",
        verbose_name=_("ombokad från"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("skapad"))
    confirmed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("bekräftad"))
    cancelled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("avbokad"))
    cancelled_by_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("avbokad av personal"),
    )
    cancel_message = models.TextField(_("meddelande vid avbokning"), blank=True)
    confirmation_sent_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("bekräftelse skickad")
    )
    reminder_sent_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("påminnelse skickad")
    )
    cancellation_sent_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("avbokning skickad")
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("bokning")
        verbose_name_plural = _("bokningar")
        ordering = ["slot__starts_at"]
        indexes = [models.Index(fields=["status", "hold_expires_at"])]

    def __str__(self) -> str:
        return f"{self.resource} {timezone.localtime(self.slot.starts_at):%Y-%m-%d %H:%M}"

    @property
    def starts_at(self):
        return self.slot.starts_at

    @property
    def ends_at(self):
        return self.slot.ends_at

    @property
    def is_upcoming(self) -> bool:
        return self.status == BookingStatus.CONFIRMED and self.slot.ends_at > timezone.now()

    def may_change(self, now=None) -> bool:
        """Whether the resident may still cancel or rebook (the deadline)."""
        now = now or timezone.now()
        return self.is_upcoming and now <= self.change_deadline

    @property
    def change_deadline(self):
        return self.resource.change_deadline_for(self.slot.starts_at)
