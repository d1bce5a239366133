"""WebSocket routes of the whole site; each app adds its own ``routing.websocket_urlpatterns``."""

from django.urls import path

from discussions.routing import websocket_urlpatterns as discussion_patterns
from hearings.routing import websocket_urlpatterns as hearing_patterns

from .consumers import PingConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi(), name="ws-ping"),
    *discussion_patterns,
    *hearing_patterns,
]
