"""The discussion-host protocol, and the registry of the models that carry discussions.

A *host* is whatever people discuss: a consultation page, a forum topic, a budget
proposal, a hearing. Its model inherits :class:`DiscussionHost`, implements the members
below, and registers with :func:`register` (a class decorator). ``discussions`` knows
hosts only through this module: it never imports a host's app. Registration is checked
at start-up (``manage.py check``): a host that leaves a required member unimplemented
stops the site with the member's name.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.utils.translation import gettext_lazy as _

#: What every host must implement itself.
REQUIRED = (
    "is_visible_to",
    "discussion_refusal",
    "discussion_closing_message",
    "search_facets",
    "contribution_url",
)


class DiscussionHost:
    """Mixin for a model whose objects carry a discussion.

    Required (see :data:`REQUIRED`):

    - ``is_visible_to(user, session=None) -> bool``: whether this user may read the
      discussion at all — published, public or a restriction they passed, not hidden.
      Every path of a discussion (pages, forms, live updates, mail, exports, refusals)
      asks it; what it denies is a plain 404 that names nothing.
    - ``discussion_refusal(user, moment=None) -> Refused | None``: why it takes no
      contributions now (not open yet, closed, locked, another phase), or None. Who may
      write at all (a confirmed, unsuspended participant) is ``discussions.rules``'.
    - ``discussion_closing_message``: what open pages announce when it stops taking
      contributions.
    - ``search_facets() -> dict | None``: what search documents of its contributions
      share with it (``title``, ``url``, ``language``; optionally ``kind``, ``plan``,
      ``plan_title``, ``consultation``, ``consultation_title``, ``territories``,
      ``ogp_values``, ``sections``, ``responder``, and ``facets``: values of facets the
      host's app registers, ``{field: [values]}``), or None while it is not public.
    - ``contribution_url(contribution, request=None) -> str``: where a contribution is read.

    Optional, with the defaults here: its sections, pre-moderation, the follow
    button's words, what mail calls it, whether the government's responses are the
    headline now, the window whose opening and closing live readers are told of, the
    reactions it offers, whether people write through its own forms rather than the
    discussion's, and how a contribution is rendered for it (the page's markup, which
    live readers receive).
    """

    discussion_premoderated: bool = False
    #: The reactions people may give (``discussions.models.ReactionKind`` values).
    discussion_reaction_kinds: tuple[str, ...] = ("support", "disagree")
    #: True when contributions come only through the host's own forms and services (a
    #: hearing's questions, with their own limits): the discussion's generic post, reply
    #: and edit views then refuse it. Withdrawing, reacting and reporting stay.
    discussion_own_forms: bool = False
    #: The template a contribution is rendered with, on the page and for live readers.
    discussion_fragment_template: str = "discussions/includes/contribution.html"

    @property
    def discussion_noun(self) -> str:
        """What mail calls this kind of discussion, with its article: "the consultation",
        "the topic" ("en {noun} «título»" must read well in Spanish too)."""
        return _("the discussion")

    @property
    def discussion_sections(self) -> list[dict]:
        """The parts (``anchor``, ``heading``) a contribution may concern."""
        return []

    @property
    def discussion_follow_text(self) -> dict:
        return {"start": _("Follow this discussion"), "stop": _("Stop following this discussion")}

    @property
    def discussion_shows_responses(self) -> bool:
        """Whether the page leads with "what you said, what we did" (a closed consultation)."""
        return False

    @property
    def discussion_window(self) -> tuple[datetime | None, datetime | None]:
        """(opens, closes): live readers are told when either comes."""
        return None, None

    def discussion_fragment_context(self, contribution) -> dict:
        """What the fragment template needs beside the contribution (what the host keeps
        about it), for live readers; empty by default."""
        return {}

    def search_contribution_facets(self, contributions: list) -> dict[int, dict[str, list[str]]]:
        """Values of the host's own facets that differ from one contribution to another
        (a hearing question's status), by contribution id; none by default."""
        return {}

    def is_visible_to(self, user, session=None) -> bool:
        raise NotImplementedError

    def discussion_refusal(self, user, moment: datetime | None = None):
        raise NotImplementedError

    @property
    def discussion_closing_message(self) -> str:
        raise NotImplementedError

    def search_facets(self) -> dict | None:
        raise NotImplementedError

    def contribution_url(self, contribution, request=None) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class StatisticsScope:
    """A choice on the admin's statistics screen: a host, or a group of them (a plan)."""

    key: str
    label: str
    group: str
    targets: Callable[[], list]
    page: object = None  # the page whose public statistics route shows the same


_hosts: dict[str, type] = {}
_scopes: dict[str, Callable[[], list[StatisticsScope]]] = {}


def register(model: type) -> type:
    """Class decorator: ``@discussions.hosts.register`` on a :class:`DiscussionHost` model."""
    _hosts[model._meta.label_lower] = model
    return model


def register_statistics_scopes(label: str, provider: Callable[[], list[StatisticsScope]]) -> None:
    """What the admin's statistics screen offers for a host (a plan and its consultations)."""
    _scopes[label.lower()] = provider


def models() -> list[type]:
    return list(_hosts.values())


def model_for(label: str) -> type | None:
    """The host model named ``app_label.model_name`` (case ignored), if it is a host."""
    return _hosts.get((label or "").lower())


def content_types() -> dict[int, type]:
    """Each host model by its content type's id."""
    return {ContentType.objects.get_for_model(model).pk: model for model in _hosts.values()}


def host_choices() -> list[tuple[str, str]]:
    """(label, verbose name plural) of every host model, for admin filters."""
    return [(label, str(model._meta.verbose_name_plural).capitalize()) for label, model in sorted(_hosts.items())]


def host_of(content_type_id: int, object_pk) -> object | None:
    """The host a contribution belongs to, or None (gone, or no longer a host)."""
    model = content_types().get(content_type_id)
    if model is None or not str(object_pk).isdigit():
        return None
    return model._default_manager.filter(pk=object_pk).first()


def statistics_scopes() -> list[StatisticsScope]:
    return [scope for provider in _scopes.values() for scope in provider()]


def find(label: str, pk) -> object | None:
    """The host ``label`` (``app_label.model``) with this primary key, or None."""
    model = model_for(label)
    if model is None or not str(pk).isdigit() or len(str(pk)) > 18:
        return None
    return model._default_manager.filter(pk=pk).first()


def missing_members(cls: type) -> list[str]:
    """What ``cls`` leaves unimplemented of the protocol (everything, if it is no host)."""
    if not issubclass(cls, DiscussionHost):
        return list(REQUIRED)
    return [name for name in REQUIRED if getattr(cls, name) is getattr(DiscussionHost, name)]


@checks.register()
def check_hosts(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A registered host implements the whole protocol."""
    return [
        checks.Error(
            f"Discussion host {label} does not implement {name}.",
            hint="Inherit discussions.hosts.DiscussionHost and implement each of its required members.",
            obj=model,
            id="discussions.E001",
        )
        for label, model in _hosts.items()
        for name in missing_members(model)
    ]
