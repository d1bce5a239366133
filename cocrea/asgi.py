"""One ASGI application for HTTP and WebSocket.

Django's ASGI handler is created before anything imports models, then the WebSocket
routes are imported, as the Channels docs require.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocrea.settings.production")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from cocrea.admission import AdmissionControl  # noqa: E402
from cocrea.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": AdmissionControl(
            django_asgi_app,
            concurrency=settings.HTTP_CONCURRENT_REQUESTS,
            queue=settings.HTTP_QUEUED_READS,
            wait_seconds=settings.HTTP_QUEUE_WAIT_SECONDS,
            body_seconds=settings.HTTP_BODY_SECONDS,
            max_body=settings.HTTP_MAX_BODY_MB * 1024 * 1024,
        ),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
