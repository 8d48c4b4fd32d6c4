from django.urls import path
from django.views.generic import RedirectView

# Signing in, up and out, password reset, email addresses and two-factor are django-allauth's
# (config/urls.py mounts them at /accounts/). /login/ was the sign-in address before.
urlpatterns = [
    path("login/", RedirectView.as_view(pattern_name="account_login", query_string=True,
                                        permanent=True), name="legacy-login"),
]
