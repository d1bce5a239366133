"""The multi-stakeholder forum: a permanent, public space for dialogue between the
government and civil society (OGP Participation and Co-Creation Standard 1).

A ``ForumPage`` holds topics, which registered participants start in one of the
categories editors keep as snippets. A topic is a *discussion target* (see
``discussions.models``): its replies are contributions, with their threads, reactions,
flags, moderation, follow-up mail, live updates and search. Meetings are pages under
the forum.
"""

from datetime import datetime
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.models import Sector, organisation_besides
from core.pages import ReadersLanguageMixin, page_visible_to
from discussions import hosts
from discussions.errors import NotAllowed

RICH_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]


class ForumCategory(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")

    def __str__(self):
        return self.name


class ForumPage(RoutablePageMixin, ReadersLanguageMixin, Page):
    """The forum: its topics, its rules, its members and its meetings."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_FEATURES)
    rules = RichTextField(
        _("rules"),
        blank=True,
        features=RICH_FEATURES,
        help_text=_("How the forum works: membership, meetings, decisions. Shown to everyone."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("rules"),
        InlinePanel("members", label=_("Members")),
    ]
    subpage_types = ["forum.ForumMeetingPage"]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("rules")]

    class Meta:
        verbose_name = _("forum")

    #: The forum's own pages below its address (topics, categories, "about", the
    #: calendar) are a URLconf named here, as Django names ROOT_URLCONF: its views use
    #: these models, so this module does not import them.
    subpage_urlconf = "forum.page_urls"

    @classmethod
    def get_subpage_urls(cls):
        return import_module(cls.subpage_urlconf).urlpatterns


class ForumMember(Orderable):
    """A member of the forum, as published: who sits on it, for whom."""

    page = ParentalKey(ForumPage, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    role = models.CharField(_("role"), max_length=120, blank=True, help_text=_("For example: titular, alterno."))

    panels = [FieldPanel("name"), FieldPanel("organisation"), FieldPanel("sector"), FieldPanel("role")]

    class Meta(Orderable.Meta):
        verbose_name = _("forum member")

    @property
    def is_government(self) -> bool:
        return self.sector == Sector.GOVERNMENT


class ForumMeetingPage(ReadersLanguageMixin, Page):
    """A meeting of the forum: when and where, its agenda, minutes and decisions."""

    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    agenda = RichTextField(_("agenda"), blank=True, features=RICH_FEATURES)
    minutes = RichTextField(_("minutes"), blank=True, features=RICH_FEATURES)
    minutes_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("minutes (document)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decisions = RichTextField(_("decisions"), blank=True, features=RICH_FEATURES)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("starts_at"), FieldPanel("ends_at"), FieldPanel("place"), FieldPanel("online_url")],
            heading=_("When and where"),
        ),
        FieldPanel("agenda"),
        FieldPanel("minutes"),
        FieldPanel("minutes_document"),
        FieldPanel("decisions"),
        InlinePanel("attendance", label=_("Attendance by sector")),
    ]
    parent_page_types = ["forum.ForumPage"]
    subpage_types = []
    search_fields = [*Page.search_fields, index.SearchField("agenda"), index.SearchField("minutes")]

    class Meta:
        verbose_name = _("forum meeting")

    def clean(self):
        super().clean()
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The meeting must end after it starts.")})

    @property
    def is_past(self) -> bool:
        return (self.ends_at or self.starts_at) < timezone.now()

    @property
    def attendance_total(self) -> int:
        return sum(row.count for row in self.attendance.all())


class MeetingAttendance(Orderable):
    page = ParentalKey(ForumMeetingPage, on_delete=models.CASCADE, related_name="attendance")
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    count = models.PositiveSmallIntegerField(_("people"))

    panels = [FieldPanel("sector"), FieldPanel("count")]

    class Meta(Orderable.Meta):
        verbose_name = _("attendance")
        constraints = [models.UniqueConstraint(fields=["page", "sector"], name="attendance_one_row_per_sector")]


class TopicQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(hidden=False)


@hosts.register
class Topic(hosts.DiscussionHost, models.Model):
    """A conversation a participant starts in the forum; its replies are contributions."""

    forum = models.ForeignKey(ForumPage, on_delete=models.CASCADE, related_name="topics")
    category = models.ForeignKey(ForumCategory, on_delete=models.PROTECT, related_name="topics")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80, allow_unicode=False)
    body = models.TextField(_("text"))
    body_html = models.TextField(blank=True)
    territories = models.ManyToManyField("core.Territory", blank=True, verbose_name=_("territories"))
    tags = models.CharField(_("tags"), max_length=255, blank=True, help_text=_("Separated by commas."))

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="forum_topics"
    )
    author_display_name = models.CharField(_("author"), max_length=120)
    author_sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    author_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    author_territory = models.ForeignKey(
        "core.Territory", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now, db_index=True)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(_("locked"), default=False)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-last_activity_at", "-pk"]
        verbose_name = _("forum topic")
        permissions = [("moderate_topic", "Can pin, lock, move and hide forum topics")]
        indexes = [models.Index(fields=["forum", "hidden", "pinned", "last_activity_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:80].strip("-") or "tema"
        super().save(*args, **kwargs)

    @property
    def author_organisation_shown(self) -> str:
        """The organisation beside the starter's name, unless the name is the organisation's."""
        return organisation_besides(self.author_display_name, self.author_organisation)

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]

    # --- where it is read ---------------------------------------------------------------
    def get_url(self, request=None) -> str:
        base = self.forum.get_url(request)
        return f"{base}{self.forum.reverse_subpage('topic', args=(self.pk, self.slug))}" if base else ""

    @property
    def url(self) -> str:
        return self.get_url()

    @property
    def full_url(self) -> str:
        base = self.forum.full_url
        return f"{base}{self.forum.reverse_subpage('topic', args=(self.pk, self.slug))}" if base else ""

    # --- the discussion-host protocol (see discussions.hosts) ------------------------------
    def is_visible_to(self, user, session=None) -> bool:
        """Not hidden, in a forum this user may read."""
        return not self.hidden and page_visible_to(self.forum, user, session)

    def discussion_refusal(self, user, moment: datetime | None = None):
        if self.locked:
            return NotAllowed(_("This topic is locked: it takes no new replies."))
        return None

    @property
    def discussion_closing_message(self) -> str:
        return _("This topic has just been locked: it takes no new replies.")

    @property
    def discussion_follow_text(self) -> dict:
        return {"start": _("Follow this topic (e-mail on replies)"), "stop": _("Stop following this topic")}

    @property
    def discussion_noun(self) -> str:
        return _("the forum topic")

    def search_facets(self) -> dict | None:
        if not self.is_visible_to(None):
            return None
        return {
            "kind": "forum_post",
            "title": self.title,
            "url": self.url,
            "language": self.forum.locale.language_code,
        }

    def contribution_url(self, contribution, request=None) -> str:
        return f"{self.get_url(request)}#{contribution.anchor}"


class TopicVisit(models.Model):
    """When a participant last read a topic: what is new for them since."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="visits")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="topic_visit_one_per_participant")]

    def __str__(self):
        return f"{self.user_id} read {self.topic_id} at {self.seen_at:%Y-%m-%d %H:%M}"
