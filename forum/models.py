"""The multi-stakeholder forum: a permanent, public space for dialogue between the
government and civil society (OGP Participation and Co-Creation Standard 1).

A ``ForumPage`` holds topics, which registered participants start in one of the
categories editors keep as snippets. A topic is a *discussion target* (see
``discussions.models``): its replies are contributions, with their threads, reactions,
flags, moderation, follow-up mail, live updates and search. Meetings are pages under
the forum.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cocrea.models import Sector
from discussions.errors import NotAllowed, NotFound

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


class ForumPage(RoutablePageMixin, Page):
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

    # --- routes: the views live in forum.views ---------------------------------------------
    @path("", name="topics")
    def topics_route(self, request):
        from . import views

        return views.topic_list(request, self)

    @path("categoria/<slug:slug>/", name="category")
    def category_route(self, request, slug):
        from . import views

        category = ForumCategory.objects.filter(slug=slug).first()
        if category is None:
            raise Http404(_("This category does not exist."))
        return views.topic_list(request, self, category=category)

    @path("categoria/<slug:slug>/seguir/", name="follow_category")
    def follow_category_route(self, request, slug):
        from . import views

        return views.category_follow(request, self, slug)

    @path("nuevo/", name="new_topic")
    def new_topic_route(self, request):
        from . import views

        return views.topic_new(request, self)

    @path("tema/<int:pk>-<slug:slug>/", name="topic")
    def topic_route(self, request, pk, slug):
        from . import views

        return views.topic_detail(request, self, pk, slug)

    @path("tema/<int:pk>/moderar/", name="moderate")
    def moderate_route(self, request, pk):
        from . import views

        return views.topic_moderate(request, self, pk)

    @path("acerca/", name="about")
    def about_route(self, request):
        from . import views

        return views.about(request, self)

    @re_path(r"^reuniones\.ics/?$", name="calendar")
    def calendar_route(self, request):
        from . import views

        return views.meetings_calendar(request, self)


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


class ForumMeetingPage(Page):
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
        from django.core.exceptions import ValidationError

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


class Topic(models.Model):
    """A conversation a participant starts in the forum; its replies are contributions."""

    forum = models.ForeignKey(ForumPage, on_delete=models.CASCADE, related_name="topics")
    category = models.ForeignKey(ForumCategory, on_delete=models.PROTECT, related_name="topics")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80, allow_unicode=False)
    body = models.TextField(_("text"))
    body_html = models.TextField(blank=True)
    territories = models.ManyToManyField("cocrea.Territory", blank=True, verbose_name=_("territories"))
    tags = models.CharField(_("tags"), max_length=255, blank=True, help_text=_("Separated by commas."))

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="forum_topics"
    )
    author_display_name = models.CharField(_("author"), max_length=120)
    author_sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    author_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    author_territory = models.ForeignKey(
        "cocrea.Territory", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
        indexes = [models.Index(fields=["forum", "hidden", "pinned", "last_activity_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:80].strip("-") or "tema"
        super().save(*args, **kwargs)

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

    @property
    def live(self) -> bool:
        """Public: not hidden, in a published forum (what live updates and search ask)."""
        return not self.hidden and self.forum.live

    def get_view_restrictions(self):
        return self.forum.get_view_restrictions()

    # --- the discussion target protocol (see discussions.models) --------------------------
    def discussion_refusal(self, moment: datetime):
        if self.hidden or not self.forum.live:
            return NotFound(_("This topic is not available."))
        if self.locked:
            return NotAllowed(_("This topic is locked: it takes no new replies."))
        return None

    discussion_premoderated = False

    @property
    def discussion_closed_message(self) -> str:
        return _("This topic has just been locked: it takes no new replies.")

    @property
    def discussion_follow_text(self) -> dict:
        return {"start": _("Follow this topic (e-mail on replies)"), "stop": _("Stop following this topic")}

    @property
    def discussion_sections(self) -> list[dict]:
        return []

    @classmethod
    def discussion_search_context(cls, topics: list["Topic"]) -> dict[int, dict]:
        from .search_documents import topic_context

        return topic_context(topics)


class TopicVisit(models.Model):
    """When a participant last read a topic: what is new for them since."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="visits")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="topic_visit_one_per_participant")]

    def __str__(self):
        return f"{self.user_id} read {self.topic_id} at {self.seen_at:%Y-%m-%d %H:%M}"
