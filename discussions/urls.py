from django.urls import path

from . import views

app_name = "discussions"

urlpatterns = [
    path("aportes/enviar/", views.post, name="post"),
    path("aportes/seguir/", views.follow, name="follow"),
    path("aportes/<int:pk>/responder/", views.reply, name="reply"),
    path("aportes/<int:pk>/editar/", views.edit, name="edit"),
    path("aportes/<int:pk>/retirar/", views.withdraw, name="withdraw"),
    path("aportes/<int:pk>/reaccionar/", views.react, name="react"),
    path("aportes/<int:pk>/reportar/", views.flag, name="flag"),
]
