from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import SignInForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]

# Organisations' registration and the operators' verification queue (accounts.views).
urlpatterns += [
    path("organizations/register/", views.organization_register,
         name="organization-register"),
    path("organizations/status/", views.organization_status, name="organization-status"),
    path("organizations/<int:pk>/resubmit/", views.organization_resubmit,
         name="organization-resubmit"),
    path("operations/organizations/", views.organization_queue, name="organization-queue"),
    path("operations/organizations/<int:pk>/verify/", views.organization_verify,
         name="organization-verify"),
    path("operations/organizations/<int:pk>/reject/", views.organization_reject,
         name="organization-reject"),
]
