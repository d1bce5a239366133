"""A hearing's page and the pages below its address, served by ``HearingPage``'s routes.

Each view is called with the hearing page first, then the request (Wagtail binds the
route to the page).
"""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.hearing_detail, name="detail"),
    path("preguntar/", views.ask, name="ask"),
    path("preguntas/<id:pk>/apoyar/", views.support, name="support"),
    path("proyeccion/", views.projection, name="projection"),
    path("texto/", views.text_only, name="text"),
    path("moderar/", views.console, name="console"),
    path("moderar/cerrar/", views.close, name="close"),
    path("moderar/<id:pk>/<slug:action>/", views.console_action, name="console_action"),
    path("inscripcion/", views.register, name="register"),
    path("inscripcion/<id:pk>/cancelar/", views.registration_cancel, name="cancel_registration"),
    path("statistics/", views.statistics, name="statistics"),
    # Wagtail hands the path over with a trailing slash; the optional one matches it.
    re_path(r"^preguntas\.csv/?$", views.questions_csv, name="contributions_csv"),
    re_path(r"^preguntas\.json/?$", views.questions_json, name="contributions_json"),
]
