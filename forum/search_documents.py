"""What search finds of the forum: its topics, and the replies to them (contributions,
indexed by ``discussions`` with the context given here)."""

from collections.abc import Iterator

from django.contrib.contenttypes.models import ContentType

from discussions.models import Contribution
from search.documents import Document, Source, key, register
from search.sources import plain_text, public_pages

from .models import Topic


def _public(topics: list[Topic]) -> list[Topic]:
    forums = {forum.pk for forum in public_pages(list({topic.forum for topic in topics}))}
    return [topic for topic in topics if not topic.hidden and topic.forum_id in forums]


@register
class TopicSource(Source):
    prefix = "topic"
    model = Topic

    def documents(self, pks: list[str]) -> dict[str, list[Document]]:
        ids = [int(pk) for pk in pks if pk.isdigit()]
        topics = Topic.objects.filter(pk__in=ids).select_related("forum", "author_territory", "category")
        found = {}
        for topic in _public(list(topics.prefetch_related("territories"))):
            territories = sorted({territory.slug for territory in topic.territories.all()})
            found[str(topic.pk)] = [
                Document(
                    id=f"forum_topic-{topic.pk}",
                    kind="forum_topic",
                    title=topic.title,
                    text=" ".join(filter(None, [plain_text(topic.body_html), topic.category.name, topic.tags])),
                    url=topic.url,
                    language=topic.forum.locale.language_code,
                    created=topic.created_at,
                    author=topic.author_display_name,
                    sector=topic.author_sector,
                    organisation=topic.author_organisation,
                    territories=territories,
                )
            ]
        return found

    def dependents(self, pks: list[str]) -> list[str]:
        """A topic's replies carry its title, address and visibility."""
        content_type = ContentType.objects.get_for_model(Topic)
        replies = Contribution.norel_objects.filter(content_type=content_type, object_pk__in=pks)
        return [key("contribution", pk) for pk in replies.values_list("pk", flat=True)]

    def keys_for_pages(self, page_ids: list[int]) -> list[str]:
        return [key(self.prefix, pk) for pk in Topic.objects.filter(forum_id__in=page_ids).values_list("pk", flat=True)]

    def all_pks(self) -> Iterator[str]:
        queryset = Topic.objects.visible().values_list("pk", flat=True).order_by("pk")
        return (str(pk) for pk in queryset.iterator(chunk_size=2000))
