"""What search finds of contributions and of the government's responses to them.

A contribution is found while its text is public (published, not withdrawn) and its
discussion's page is public. Its target page class says what the documents share with
it — plan, consultation, territories, OGP values, section headings — through the
classmethod ``discussion_search_context(pages)`` (see ``ConsultationPage``).
"""

from collections.abc import Iterator

from django.contrib.contenttypes.models import ContentType
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import Page

from search.documents import Document, Source, key, register
from search.sources import plain_text, public_pages

from .models import Contribution, Status

CONTEXT_LENGTH = 240


def _targets(contributions: list[Contribution]) -> dict[tuple[int, str], dict]:
    """The shared context of each contribution's (public) page, by (ct, object_pk)."""
    wanted: dict[int, set[int]] = {}
    for contribution in contributions:
        if contribution.object_pk.isdigit():
            wanted.setdefault(contribution.content_type_id, set()).add(int(contribution.object_pk))
    found = {}
    for content_type_id, pks in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None or not issubclass(model, Page) or not hasattr(model, "discussion_search_context"):
            continue
        pages = public_pages(list(model.objects.filter(pk__in=pks)))
        for pk, context in model.discussion_search_context(pages).items():
            found[(content_type_id, str(pk))] = context
    return found


def _contribution_document(contribution: Contribution, shared: dict) -> Document:
    page = shared["page"]
    territory = contribution.author_territory
    return Document(
        id=f"contribution-{contribution.pk}",
        kind="contribution",
        title=page.title,
        text=plain_text(contribution.body_html) or " ".join(contribution.comment.split()),
        url=f"{page.url}#{contribution.anchor}",
        language=page.locale.language_code,
        created=contribution.submit_date,
        author=contribution.author_display_name,
        sector=contribution.author_sector,
        organisation=contribution.author_organisation,
        territories=[territory.slug] if territory else [],
        plan=shared["plan"],
        plan_title=shared["plan_title"],
        consultation=page.pk,
        consultation_title=page.title,
        ogp_values=shared["ogp_values"],
        response_status=contribution.response_status,
        channel=contribution.channel,
        section=shared["sections"].get(contribution.section_anchor, ""),
    )


def _response_document(contribution: Contribution, shared: dict, answered: Document) -> Document:
    page = shared["page"]
    return Document(
        id=f"response-{contribution.pk}",
        kind="response",
        title=page.title,
        text=" ".join(strip_tags(contribution.response_text).split()),
        url=answered.url,
        language=answered.language,
        created=contribution.responded_at or contribution.submit_date,
        author=getattr(page, "lead_institution", "") or "",
        sector="government",
        territories=shared["territories"],
        plan=shared["plan"],
        plan_title=shared["plan_title"],
        consultation=page.pk,
        consultation_title=page.title,
        ogp_values=shared["ogp_values"],
        response_status=contribution.response_status,
        channel=contribution.channel,
        section=answered.section,
        context=f"{answered.author}: {Truncator(answered.text).chars(CONTEXT_LENGTH)}",
    )


@register
class ContributionSource(Source):
    prefix = "contribution"

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
        """The contributions whose documents a change to these pages affects."""
        object_pks = [str(pk) for pk in page_ids]
        queryset = Contribution.norel_objects.filter(object_pk__in=object_pks).values_list("pk", flat=True)
        return [key(self.prefix, pk) for pk in queryset]

    def all_pks(self) -> Iterator[str]:
        queryset = Contribution.norel_objects.filter(status=Status.PUBLISHED, withdrawn_at__isnull=True)
        return (str(pk) for pk in queryset.values_list("pk", flat=True).order_by("pk").iterator(chunk_size=5000))
