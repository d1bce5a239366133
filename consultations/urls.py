from django.urls import path

from . import feeds

app_name = "consultations"

urlpatterns = [
    path("feeds/consultas.rss", feeds.ConsultationsFeed(), name="feed-rss"),
    path("feeds/consultas.atom", feeds.ConsultationsAtomFeed(), name="feed-atom"),
    path("feeds/consultas.ics", feeds.consultations_calendar, name="calendar"),
]
