from django.urls import path
from django.views.generic import RedirectView

from . import views

# Signing in, up and out, password reset, email addresses and two-factor are django-allauth's
# (config/urls.py mounts them at /accounts/). /login/ was the sign-in address before.
urlpatterns = [
    path("login/", RedirectView.as_view(pattern_name="account_login", query_string=True,
                                        permanent=True), name="legacy-login"),
    path("organizations/<int:pk>/logo/<str:token>/", views.organization_logo,
         name="organization-logo"),
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
