from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("cuenta/registro/", views.RegisterView.as_view(), name="register"),
    path("cuenta/entrar/", views.LoginView.as_view(), name="login"),
    path("cuenta/salir/", views.LogoutView.as_view(), name="logout"),
    path("cuenta/perfil/", views.profile, name="profile"),
    path("cuenta/confirmar/nuevo-enlace/", views.ConfirmationResendView.as_view(), name="confirm_resend"),
    path("cuenta/confirmar/<str:token>/", views.confirm_email, name="confirm"),
    path("cuenta/contrasena/", views.PasswordResetView.as_view(), name="password_reset"),
    path("cuenta/contrasena/enviada/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("cuenta/contrasena/lista/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path(
        "cuenta/contrasena/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"
    ),
    path("cuenta/mis-datos.json", views.my_data, name="data"),
    path("cuenta/eliminar/", views.delete_account, name="delete"),
]
