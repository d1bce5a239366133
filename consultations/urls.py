from django.urls import path

from . import feeds
from .routes import open_data_urlpatterns

app_name = "consultations"

urlpatterns = [
    path("feeds/consultas.rss", feeds.ConsultationsFeed(), name="feed-rss"),
    path("feeds/consultas.atom", feeds.ConsultationsAtomFeed(), name="feed-atom"),
    path("feeds/consultas.ics", feeds.consultations_calendar, name="calendar"),
]
# Ahead of Wagtail's pages (this module is included first): see consultations.routes.
urlpatterns += open_data_urlpatterns
