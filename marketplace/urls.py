from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("needs/new/", views.need_create, name="need-create"),
    path("needs/<int:pk>/", views.need_detail, name="need-detail"),
    path("needs/<int:pk>/close/", views.need_close, name="need-close"),
    path("quote-requests/new/", views.quote_request_create, name="quote-request-create"),
    path("quote-requests/<int:pk>/", views.quote_request_detail, name="quote-request-detail"),
    path("quote-requests/<int:pk>/quote/", views.quote_create, name="quote-create"),
    path("quotes/<int:pk>/accept/", views.quote_accept, name="quote-accept"),
]
