"""WebSocket routes of the whole site; each app adds its own ``routing.websocket_urlpatterns``."""

from django.urls import path

from .consumers import PingConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi(), name="ws-ping"),
]
