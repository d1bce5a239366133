from django.urls import path

from . import views

app_name = "discussions"

urlpatterns = [
    path("aportes/enviar/", views.post, name="post"),
    path("aportes/seguir/", views.follow, name="follow"),
    path("aportes/<id:pk>/responder/", views.reply, name="reply"),
    path("aportes/<id:pk>/editar/", views.edit, name="edit"),
    path("aportes/<id:pk>/retirar/", views.withdraw, name="withdraw"),
    path("aportes/<id:pk>/reaccionar/", views.react, name="react"),
    path("aportes/<id:pk>/reportar/", views.flag, name="flag"),
]
