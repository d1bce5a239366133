"""Mail to the people who follow a category when a topic starts in it."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from core.links import absolute_url
from discussions.models import Follow, discussion_key

from .models import Topic


@task()
def notify_category_followers(topic_id: int) -> int:
    topic = Topic.objects.select_related("category", "forum").filter(pk=topic_id, hidden=False).first()
    if topic is None:
        return 0
    content_type, object_pk = discussion_key(topic.category)
    user_ids = set(
        Follow.objects.filter(content_type=content_type, object_pk=object_pk).values_list("user_id", flat=True)
    )
    user_ids.discard(topic.author_id)
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="").order_by("pk")
    if not users:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {"topic": topic, "url": absolute_url(topic.get_url())}
        subject = render_to_string("forum/email/new_topic_subject.txt", context).strip()
        body = render_to_string("forum/email/new_topic.txt", context)
    connection = get_connection()
    messages = [EmailMessage(subject, body, to=[user.email], connection=connection) for user in users]
    return connection.send_messages(messages) or 0
