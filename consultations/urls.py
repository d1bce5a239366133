from django.urls import path

from core.page_files import page_file_path

from . import feeds

app_name = "consultations"

urlpatterns = [
    path("feeds/consultas.rss", feeds.ConsultationsFeed(), name="feed-rss"),
    path("feeds/consultas.atom", feeds.ConsultationsAtomFeed(), name="feed-atom"),
    path("feeds/consultas.ics", feeds.consultations_calendar, name="calendar"),
]
# <page>/contributions.csv and .json, ahead of Wagtail's pages (this module is included
# first): see consultations.routes.
urlpatterns.append(page_file_path(r"contributions\.(?:csv|json)", name="open_data"))
