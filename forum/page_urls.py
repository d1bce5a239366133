"""The forum's pages below its address, served by ``ForumPage``'s routes.

Each view is called with the forum page first, then the request (Wagtail binds the
route to the page).
"""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.topic_list, name="topics"),
    path("categoria/<slug:slug>/", views.category_topics, name="category"),
    path("categoria/<slug:slug>/seguir/", views.category_follow, name="follow_category"),
    path("nuevo/", views.topic_new, name="new_topic"),
    path("tema/<id:pk>-<slug:slug>/", views.topic_detail, name="topic"),
    path("tema/<id:pk>/moderar/", views.topic_moderate, name="moderate"),
    path("acerca/", views.about, name="about"),
    # Wagtail hands the path over with a trailing slash; the optional one matches it.
    re_path(r"^reuniones\.ics/?$", views.meetings_calendar, name="calendar"),
]
