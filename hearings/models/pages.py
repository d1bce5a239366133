"""Public hearings as Wagtail pages: the index of hearings, and a hearing with what
editors publish about it (when and where, the broadcast and the radio stations, the
agenda, the report, registration, the question window, and afterwards the minutes, the
recording and the commitments made: those lists are in :mod:`.parts`)."""

from datetime import date, datetime
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField
from wagtail.models import Locale, Page
from wagtail.search import index

from core.admin_widgets import DocumentChooser
from core.pages import ReadersLanguageMixin, page_visible_to
from discussions import hosts
from discussions.errors import NotAllowed
from discussions.models import Status

from ..deadlines import DEFAULT_WORKING_DAYS, working_days_after
from ..video import Video, video
from .questions import HearingClosure, HearingQuestion, QuestionState

RICH_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3"]


class HearingStatus(models.TextChoices):
    UPCOMING = "upcoming", pgettext_lazy("hearing status", "Upcoming")
    LIVE = "live", pgettext_lazy("hearing status", "Live now")
    ENDED = "ended", pgettext_lazy("hearing status", "Held")


class HearingIndexPage(ReadersLanguageMixin, Page):
    """Every public hearing, upcoming and past."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cocrea.HomePage"]
    subpage_types = ["hearings.HearingPage"]
    max_count_per_parent = 1
    template = "hearings/hearing_index_page.html"

    class Meta:
        verbose_name = _("hearings index")

    def get_context(self, request, *args, **kwargs):
        hearings = HearingPage.objects.child_of(self).live().public().order_by("-starts_at")
        return super().get_context(request, *args, **kwargs) | {"hearings": hearings}


@hosts.register
class HearingPage(hosts.DiscussionHost, RoutablePageMixin, ReadersLanguageMixin, Page):
    """A public accountability hearing (*audiencia pública de rendición de cuentas*).

    Its questions are contributions to its discussion (see :mod:`hearings.models.questions`).
    A translation shares the original's questions, registrations and live queue.
    """

    summary = models.TextField(
        _("summary"), max_length=600, help_text=_("What the government accounts for at this hearing.")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place_name = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("For example: Coliseo Municipal.")
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    map_url = models.URLField(_("map link"), blank=True, help_text=_("A link to the place on a map."))
    broadcast_url = models.URLField(
        _("online broadcast"),
        blank=True,
        help_text=_("The live video's link (YouTube, Vimeo, Facebook…). It loads only when a reader asks for it."),
    )
    registration_rules = RichTextField(_("registration rules"), blank=True, features=RICH_FEATURES)
    registration_closes_at = models.DateTimeField(
        _("registration closes at"), null=True, blank=True, help_text=_("Blank: when the hearing starts.")
    )
    attendance_capacity = models.PositiveIntegerField(
        _("places for attendees"), null=True, blank=True, help_text=_("Blank: no limit.")
    )
    speaker_list_published = models.BooleanField(
        _("publish the list of speakers"),
        default=False,
        help_text=_("Shows the confirmed speakers, in order and with their time, on the page."),
    )
    questions_open_at = models.DateTimeField(
        _("questions open at"), null=True, blank=True, help_text=_("Blank: as soon as the page is published.")
    )
    questions_close_at = models.DateTimeField(
        _("questions close at"), null=True, blank=True, help_text=_("Blank: when the hearing ends.")
    )
    premoderated = models.BooleanField(
        _("pre-moderate web questions"),
        default=False,
        help_text=_("Hold every question asked on the web until a moderator approves it."),
    )
    minutes = RichTextField(_("minutes"), blank=True, features=RICH_FEATURES)
    minutes_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("minutes (document)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recording_url = models.URLField(_("recording"), blank=True)
    written_answers_due = models.DateField(
        _("written answers due"),
        null=True,
        blank=True,
        help_text=_("Blank: 15 working days after the hearing (Peru's public holidays excluded)."),
    )
    answers_coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator of the written answers"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Receives the reminders about questions that no one else is responsible for."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldPanel("place_name"),
                FieldPanel("address"),
                FieldPanel("map_url"),
            ],
            heading=_("When and where (America/Lima time)"),
        ),
        MultiFieldPanel(
            [FieldPanel("broadcast_url"), InlinePanel("radio_stations", label=_("Radio stations"))],
            heading=_("Broadcast"),
        ),
        InlinePanel("agenda_items", label=_("Agenda")),
        InlinePanel("report_documents", label=_("Report to be presented")),
    ]
    participation_panels = [
        MultiFieldPanel(
            [
                FieldPanel("registration_rules"),
                FieldPanel("registration_closes_at"),
                FieldPanel("attendance_capacity"),
                FieldPanel("speaker_list_published"),
            ],
            heading=_("Registration"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("questions_open_at"), FieldPanel("questions_close_at")]),
                FieldPanel("premoderated"),
                InlinePanel("topics", label=_("Question topics")),
            ],
            heading=_("Questions"),
        ),
    ]
    after_panels = [
        FieldPanel("minutes"),
        FieldPanel("minutes_document", widget=DocumentChooser),
        FieldPanel("recording_url"),
        MultiFieldPanel(
            [FieldPanel("written_answers_due"), FieldPanel("answers_coordinator")], heading=_("Written answers")
        ),
        InlinePanel("commitments", label=_("Commitments")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Hearing")),
            ObjectList(participation_panels, heading=_("Registration and questions")),
            ObjectList(after_panels, heading=_("After the hearing")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("minutes"),
        index.FilterField("starts_at"),
    ]
    parent_page_types = ["hearings.HearingIndexPage"]
    subpage_types = []
    template = "hearings/hearing_page.html"

    #: The page and its own pages below its address (asking, supporting, the projection
    #: and text-only views, the moderators' console, registration, statistics, open data)
    #: are a URLconf named here, as Django names ROOT_URLCONF: its views use these models.
    subpage_urlconf = "hearings.page_urls"

    class Meta:
        verbose_name = _("public hearing")
        verbose_name_plural = _("public hearings")
        indexes = [models.Index(fields=["starts_at"])]

    @classmethod
    def get_subpage_urls(cls):
        return import_module(cls.subpage_urlconf).urlpatterns

    # --- the original, whose questions a translation shares ---------------------------------
    @cached_property
    def original(self) -> "HearingPage":
        default_locale = Locale.get_default()
        if self.translation_key and self.locale_id != default_locale.pk:
            found = HearingPage.objects.filter(translation_key=self.translation_key, locale=default_locale).first()
            if found is not None:
                return found
        return self

    # --- when ---------------------------------------------------------------------------------
    @cached_property
    def closed_at(self) -> datetime | None:
        """When moderators closed the hearing's live session, if they did."""
        return HearingClosure.objects.filter(hearing=self.original).values_list("closed_at", flat=True).first()

    def status_at(self, moment: datetime) -> HearingStatus:
        closed = self.closed_at
        if closed is not None and moment >= closed:
            return HearingStatus.ENDED
        if moment < self.starts_at:
            return HearingStatus.UPCOMING
        if moment < self.ends_at:
            return HearingStatus.LIVE
        return HearingStatus.ENDED

    @property
    def status(self) -> str:
        return self.status_at(timezone.now()).value

    def get_status_display(self) -> str:
        return HearingStatus(self.status).label

    @property
    def is_over(self) -> bool:
        return self.status == HearingStatus.ENDED

    @property
    def questions_open(self) -> datetime:
        return self.questions_open_at or self.first_published_at or self.starts_at

    @property
    def questions_close(self) -> datetime:
        """The end of the question window: its date, or the hearing's end, or the moment
        moderators closed the hearing, whichever comes first."""
        ends = self.questions_close_at or self.ends_at
        closed = self.closed_at
        return min(ends, closed) if closed else ends

    @property
    def registration_close(self) -> datetime:
        return self.registration_closes_at or self.starts_at

    @property
    def answers_due(self) -> date:
        """The deadline of the written answers: the editor's, or 15 working days after the hearing."""
        if self.written_answers_due:
            return self.written_answers_due
        return working_days_after(timezone.localdate(self.ends_at), DEFAULT_WORKING_DAYS)

    @cached_property
    def pending_answers(self) -> int:
        """Questions the public can read that still await their answer (listings set it
        for many hearings in one query)."""
        return HearingQuestion.objects.filter(
            hearing=self.original,
            state__in=[QuestionState.PENDING, QuestionState.ON_AIR],
            contribution__status=Status.PUBLISHED,
            contribution__withdrawn_at__isnull=True,
        ).count()

    # --- the video ----------------------------------------------------------------------------
    @cached_property
    def broadcast(self) -> Video | None:
        return video(self.broadcast_url)

    @cached_property
    def recording(self) -> Video | None:
        return video(self.recording_url)

    def video_frame_sources(self) -> list[str]:
        return sorted({item.origin for item in (self.broadcast, self.recording) if item and item.embeddable})

    # --- the discussion-host protocol (see discussions.hosts) ------------------------------
    discussion_reaction_kinds = ("support",)
    discussion_own_forms = True
    discussion_fragment_template = "hearings/includes/question.html"

    def is_visible_to(self, user, session=None) -> bool:
        return page_visible_to(self, user, session)

    def question_window_text(self) -> str:
        opens = timezone.localtime(self.questions_open)
        closes = timezone.localtime(self.questions_close)
        return _("Questions are received from %(opens)s to %(closes)s (Lima time).") % {
            "opens": opens.strftime("%d/%m/%Y %H:%M"),
            "closes": closes.strftime("%d/%m/%Y %H:%M"),
        }

    def discussion_refusal(self, user, moment: datetime | None = None):
        moment = moment or timezone.now()
        if moment < self.questions_open:
            return NotAllowed(_("Questions are not open yet. %(window)s") % {"window": self.question_window_text()})
        if moment >= self.questions_close:
            return NotAllowed(
                _("Questions are closed. %(window)s Questions not answered in the room are answered in writing.")
                % {"window": self.question_window_text()}
            )
        return None

    @property
    def discussion_closing_message(self) -> str:
        return _("Questions are now closed: those not answered in the room will be answered in writing.")

    @property
    def discussion_premoderated(self) -> bool:
        return self.premoderated

    @property
    def discussion_sections(self) -> list[dict]:
        """The question topics (their anchors are the topics' ids, which edits keep)."""
        return [{"anchor": topic.anchor, "heading": topic.title} for topic in self.original.topics.all() if topic.pk]

    @cached_property
    def topic_titles(self) -> dict[str, str]:
        """Each topic's anchor and title, in this page's language when its translation
        lists as many topics as the original (questions are filed under the original's)."""
        sections = self.discussion_sections
        own = [topic.title for topic in self.topics.all()]
        labels = own if len(own) == len(sections) else [section["heading"] for section in sections]
        return {section["anchor"]: label for section, label in zip(sections, labels, strict=True)}

    @property
    def discussion_window(self) -> tuple[datetime | None, datetime | None]:
        return self.questions_open, self.questions_close

    def discussion_fragment_context(self, contribution) -> dict:
        """The question's state, and this hearing in the language being rendered. A live
        event is rendered four times (two languages, two kinds of reader): each is looked
        up once on this instance, which lives as long as the broadcast."""
        known = self.__dict__.setdefault("_fragment_context", {})
        if contribution.pk not in known:
            known[contribution.pk] = HearingQuestion.objects.filter(contribution=contribution).first()
        language = translation.get_language()
        if language not in known:
            known[language] = self.localized
        return {"question": known[contribution.pk], "hearing": known[language]}

    def search_facets(self) -> dict | None:
        """Its questions are found as questions of this hearing (see hearings.search_documents)."""
        if not page_visible_to(self):
            return None
        return {
            "kind": "hearing_question",
            "title": self.title,
            "url": self.url or "",
            "language": self.locale.language_code,
            "sections": self.topic_titles,
            "facets": {"hearing": [str(self.original.pk)]},
        }

    def search_contribution_facets(self, contributions: list) -> dict[int, dict[str, list[str]]]:
        """Each question's status. Being on air is a moment of the live session, not a
        status search offers: such a question is pending until it is answered."""
        states = HearingQuestion.objects.filter(contribution__in=contributions).values_list("contribution_id", "state")
        return {
            pk: {"question_state": [QuestionState.PENDING if state == QuestionState.ON_AIR else state]}
            for pk, state in states
        }

    def contribution_url(self, contribution, request=None) -> str:
        return f"{self.get_url(request)}#{contribution.anchor}"

    # --- validation ---------------------------------------------------------------------------
    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The hearing must end after it starts.")
        if self.questions_open_at and self.questions_close_at and self.questions_close_at <= self.questions_open_at:
            errors["questions_close_at"] = _("Questions must close after they open.")
        if self.registration_closes_at and self.ends_at and self.registration_closes_at > self.ends_at:
            errors["registration_closes_at"] = _("Registration must close before the hearing ends.")
        if errors:
            raise ValidationError(errors)
