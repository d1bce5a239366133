from django.urls import path

from core.page_files import page_file_path

from . import feeds

app_name = "hearings"

urlpatterns = [
    path("feeds/audiencias.rss", feeds.HearingsFeed(), name="feed-rss"),
    path("feeds/audiencias.atom", feeds.HearingsAtomFeed(), name="feed-atom"),
    path("feeds/audiencias.ics", feeds.hearings_calendar, name="calendar"),
    # <hearing>/preguntas.csv and .json, ahead of Wagtail's pages (see core.page_files).
    page_file_path(r"preguntas\.(?:csv|json)", name="open_data"),
]
