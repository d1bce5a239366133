"""Contributions: django-comments-xtd's threaded comment, with what a consultation needs.

A discussion belongs to a *host* (a consultation, a forum topic…), addressed by content
type and primary key; what a host must offer is in :mod:`discussions.hosts`.
"""

from collections import Counter

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_comments_xtd.models import XtdComment

from core.links import absolute_url
from core.models import Sector, organisation_besides


class Channel(models.TextChoices):
    """How a contribution reached the government: written on the site, or gathered
    elsewhere and entered or imported by staff."""

    WEB = "web", _("Web")
    WORKSHOP = "workshop", _("Workshop")
    PAPER = "paper", _("Paper form")
    RADIO = "radio", _("Radio")
    PHONE = "phone", _("Phone call")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SOCIAL_MEDIA = "social_media", _("Social media")


class Status(models.TextChoices):
    PUBLISHED = "published", pgettext_lazy("contribution status", "Published")
    HELD = "held", pgettext_lazy("contribution status", "Held for moderation")
    REMOVED = "removed", pgettext_lazy("contribution status", "Removed by moderation")


class ResponseStatus(models.TextChoices):
    """The government's reasoned response to a contribution (OGP standard 4)."""

    ACCEPTED = "accepted", _("Accepted")
    PARTIALLY_ACCEPTED = "partially_accepted", _("Partially accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
    UNDER_REVIEW = "under_review", _("Under review")


class ReactionKind(models.TextChoices):
    SUPPORT = "support", pgettext_lazy("reaction", "Support")
    DISAGREE = "disagree", pgettext_lazy("reaction", "Disagree")


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSIVE = "abusive", _("Abusive or offensive")
    OFF_TOPIC = "off_topic", _("Off topic")
    PERSONAL_DATA = "personal_data", _("Reveals personal data")


class Contribution(XtdComment):
    """Anything a participant writes in a discussion: a comment or a reply.

    ``comment`` (from django-comments) keeps the Markdown as written; ``body_html`` is its
    sanitised rendering. The author's public description is copied at writing time, so a
    later change of organisation or province does not rewrite what was said.
    """

    section_anchor = models.SlugField(_("section"), max_length=80, blank=True)
    body_html = models.TextField(_("rendered text"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices, default=Channel.WEB)
    is_official = models.BooleanField(_("official government reply"), default=False)

    author_display_name = models.CharField(_("author"), max_length=120)
    author_sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    author_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    author_territory = models.ForeignKey(
        "core.Territory",
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    removal_reason = models.TextField(_("reason for removal"), blank=True)

    support_count = models.PositiveIntegerField(_("support"), default=0)
    disagree_count = models.PositiveIntegerField(_("disagreement"), default=0)
    flag_count = models.PositiveIntegerField(_("flags"), default=0)

    response_status = models.CharField(_("response status"), max_length=20, choices=ResponseStatus.choices, blank=True)
    response_text = models.TextField(_("reasoned response"), blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    import_ref = models.CharField(
        _("import reference"),
        max_length=120,
        blank=True,
        help_text=_("Set for contributions imported from a file: the discussion and the file's own reference."),
    )

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        permissions = [
            ("moderate_contribution", "Can approve or remove contributions"),
            ("respond_contribution", "Can record the government's response to a contribution"),
            ("reply_officially", "Can post the government's official reply"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["import_ref"], condition=~models.Q(import_ref=""), name="contribution_unique_import_ref"
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.author_display_name}"

    def get_absolute_url(self, anchor_pattern="#c%(id)s"):
        host = self.content_object
        return host.contribution_url(self) if host is not None else ""

    @property
    def author_organisation_shown(self) -> str:
        """The organisation beside the author's name, unless the name is the organisation's."""
        return organisation_besides(self.author_display_name, self.author_organisation)

    @property
    def host_title(self) -> str:
        return str(getattr(self.content_object, "title", ""))

    @property
    def public_url(self) -> str:
        """The contribution's full address, for staff screens and exports."""
        host = self.content_object
        if host is None:
            return ""
        return absolute_url(host.contribution_url(self))

    @property
    def flag_reasons(self) -> str:
        """The open reports on it, for moderators: "Spam or advertising (2), Off topic (1)"."""
        reasons = Counter(
            FlagReason(reason).label
            for reason in self.flags_raised.filter(resolved_at__isnull=True).values_list("reason", flat=True)
        )
        return ", ".join(f"{label} ({count})" for label, count in reasons.most_common())

    @property
    def revision_history(self) -> str:
        """Every earlier text, oldest first, for moderators (edits and withdrawals keep them)."""
        return "\n\n".join(
            f"{timezone.localtime(revision.created_at):%Y-%m-%d %H:%M}: {revision.comment}"
            for revision in self.revisions.all()
        )

    @property
    def anchor(self) -> str:
        return f"c{self.pk}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_visible(self) -> bool:
        """Whether the text is shown to the public (otherwise a placeholder stands in)."""
        return self.status == Status.PUBLISHED and not self.is_withdrawn

    @property
    def is_top_level(self) -> bool:
        return self.level == 0


class ContributionRevision(models.Model):
    """The text of a contribution before an edit: edits are kept, not overwritten."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="revisions")
    comment = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"#{self.contribution_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Reaction(models.Model):
    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(max_length=10, choices=ReactionKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contribution", "user"], name="reaction_one_per_participant")]

    def __str__(self):
        return f"{self.kind} #{self.contribution_id}"


class Flag(models.Model):
    """A participant's report that a contribution breaks the rules."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="flags_raised")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags_raised")
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        constraints = [models.UniqueConstraint(fields=["contribution", "user"], name="flag_one_per_participant")]

    def __str__(self):
        return f"{self.reason} #{self.contribution_id}"


class Follow(models.Model):
    """A participant following a whole discussion (``thread`` empty) or one thread of it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_pk = models.CharField(max_length=64)
    thread = models.ForeignKey(Contribution, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_pk"],
                condition=models.Q(thread__isnull=True),
                name="follow_discussion_once",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"], condition=models.Q(thread__isnull=False), name="follow_thread_once"
            ),
        ]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_pk}" + (f"#c{self.thread_id}" if self.thread_id else "")


class DiscussionEvent(models.Model):
    """One public change in a discussion, kept so a reader who was away can catch up.

    Written in the same transaction as the change (so there is no event for a change
    that was rolled back, and no change without its event), then broadcast after the
    commit. It holds no text: what a reader receives, live or on catching up, is the
    contribution as the page shows it at that moment (see :mod:`discussions.live`).
    ``previous`` is the discussion's event before it, so a reader that never got that
    one knows it missed something.
    """

    id = models.BigAutoField(primary_key=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_pk = models.CharField(max_length=64)
    kind = models.CharField(max_length=40)
    contribution = models.ForeignKey(Contribution, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    previous = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_pk", "id"])]

    def __str__(self):
        return f"{self.kind} #{self.pk}"


def discussion_key(host) -> tuple[ContentType, str]:
    """How contributions name their host: its content type and its primary key as text."""
    return ContentType.objects.get_for_model(host), str(host.pk)


def contributions_of(host):
    content_type, object_pk = discussion_key(host)
    # norel_objects: django-comments-xtd's default manager joins users and content types.
    return Contribution.norel_objects.filter(content_type=content_type, object_pk=object_pk)
