from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import SignInForm
from .views import organization_logo

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("organizations/<int:pk>/logo/<str:token>/", organization_logo, name="organization-logo"),
]
