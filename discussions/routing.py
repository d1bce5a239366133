from django.urls import re_path

from .consumers import DiscussionConsumer, ModerationConsumer

websocket_urlpatterns = [
    re_path(r"^ws/moderation/$", ModerationConsumer.as_asgi(), name="ws-moderation"),
    re_path(r"^ws/discussions/(?P<key>[a-z_]+\.[a-z_]+\.\d+)/$", DiscussionConsumer.as_asgi(), name="ws-discussion"),
]
