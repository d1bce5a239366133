from django.urls import re_path

from .consumers import ConsoleConsumer

websocket_urlpatterns = [
    re_path(r"^ws/hearings/(?P<pk>\d{1,18})/consola/$", ConsoleConsumer.as_asgi(), name="ws-hearing-console"),
]
