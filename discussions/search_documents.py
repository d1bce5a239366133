"""What search finds of contributions and of the government's responses to them.

A contribution is found while its text is public (published, not withdrawn) and its
host is public: the host's ``search_facets()`` (see :mod:`discussions.hosts`) says what
the documents share with it, or None while it is not public.
"""

from collections.abc import Iterator

from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from search import facets
from search.documents import Document, Source, key, register
from search.sources import plain_text

from . import hosts
from .models import Channel, Contribution, ResponseStatus, Status

CONTEXT_LENGTH = 240

facets.register(
    facets.Facet(
        field="response_status",
        parameter="status",
        title=_("Government response"),
        labels=facets.choices_labeller(lambda: ResponseStatus.choices),
        order=70,
    )
)
facets.register(
    facets.Facet(
        field="channel",
        parameter="channel",
        title=_("Channel"),
        labels=facets.choices_labeller(lambda: Channel.choices),
        order=80,
    )
)


def _targets(contributions: list[Contribution]) -> dict[tuple[int, str], dict]:
    """What each contribution's (public) host shares with its documents, by (ct, object_pk),
    with the host's own facets of each contribution under ``contribution_facets``."""
    found = {}
    for content_type_id, object_pk in {(c.content_type_id, c.object_pk) for c in contributions}:
        host = hosts.host_of(content_type_id, object_pk)
        shared = host.search_facets() if host is not None else None
        if shared is not None:
            own = [c for c in contributions if (c.content_type_id, c.object_pk) == (content_type_id, object_pk)]
            found[(content_type_id, object_pk)] = {
                **shared,
                "contribution_facets": host.search_contribution_facets(own),
            }
    return found


def _facets(contribution: Contribution, shared: dict) -> dict[str, list[str]]:
    """The host's facets, and this contribution's own values of them."""
    values = {name: list(listed) for name, listed in shared.get("facets", {}).items()}
    for name, listed in shared["contribution_facets"].get(contribution.pk, {}).items():
        values[name] = [*values.get(name, []), *listed]
    return values


def _shared(shared: dict) -> dict:
    """The fields every document of a discussion carries."""
    return {
        "plan": shared.get("plan"),
        "plan_title": shared.get("plan_title", ""),
        "consultation": shared.get("consultation"),
        "consultation_title": shared.get("consultation_title", ""),
        "ogp_values": shared.get("ogp_values", []),
    }


def _contribution_document(contribution: Contribution, shared: dict) -> Document:
    territory = contribution.author_territory
    return Document(
        id=f"contribution-{contribution.pk}",
        kind=shared.get("kind", "contribution"),
        title=shared["title"],
        text=plain_text(contribution.body_html) or " ".join(contribution.comment.split()),
        url=f"{shared['url']}#{contribution.anchor}",
        language=shared["language"],
        created=contribution.submit_date,
        author=contribution.author_display_name,
        sector=contribution.author_sector,
        organisation=contribution.author_organisation,
        territories=[territory.slug] if territory else [],
        response_status=contribution.response_status,
        channel=contribution.channel,
        section=shared.get("sections", {}).get(contribution.section_anchor, ""),
        facets=_facets(contribution, shared),
        **_shared(shared),
    )


def _response_document(contribution: Contribution, shared: dict, answered: Document) -> Document:
    return Document(
        id=f"response-{contribution.pk}",
        kind="response",
        title=shared["title"],
        text=" ".join(strip_tags(contribution.response_text).split()),
        url=answered.url,
        language=answered.language,
        created=contribution.responded_at or contribution.submit_date,
        author=shared.get("responder", ""),
        sector="government",
        territories=shared.get("territories", []),
        response_status=contribution.response_status,
        channel=contribution.channel,
        section=answered.section,
        context=f"{answered.author}: {Truncator(answered.text).chars(CONTEXT_LENGTH)}",
        facets=_facets(contribution, shared),
        **_shared(shared),
    )


@register
class ContributionSource(Source):
    prefix = "contribution"
    model = Contribution

    def documents(self, pks: list[str]) -> dict[str, list[Document]]:
        ids = [int(pk) for pk in pks if pk.isdigit()]
        contributions = list(
            Contribution.norel_objects.filter(pk__in=ids, status=Status.PUBLISHED, withdrawn_at__isnull=True)
            .select_related("author_territory")
            .order_by("pk")
        )
        targets = _targets(contributions)
        found = {}
        for contribution in contributions:
            shared = targets.get((contribution.content_type_id, contribution.object_pk))
            if shared is None:
                continue
            document = _contribution_document(contribution, shared)
            found[str(contribution.pk)] = [document]
            if contribution.response_status and contribution.response_text.strip():
                found[str(contribution.pk)].append(_response_document(contribution, shared, document))
        return found

    def keys_for_pages(self, page_ids: list[int]) -> list[str]:
        """The contributions whose documents a change to these pages affects: those of
        hosts that are pages (a forum topic 12 is not page 12)."""
        page_hosts = [pk for pk, model in hosts.content_types().items() if issubclass(model, Page)]
        queryset = (
            Contribution.norel_objects.filter(
                content_type_id__in=page_hosts, object_pk__in=[str(pk) for pk in page_ids]
            )
            .order_by()
            .values_list("pk", flat=True)
        )
        return [key(self.prefix, pk) for pk in queryset]

    def all_pks(self) -> Iterator[str]:
        queryset = Contribution.norel_objects.filter(status=Status.PUBLISHED, withdrawn_at__isnull=True)
        return (str(pk) for pk in queryset.values_list("pk", flat=True).order_by("pk").iterator(chunk_size=5000))
