from django.urls import path

from . import follow_views, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("needs/new/", views.need_create, name="need-create"),
    path("needs/<int:pk>/", views.need_detail, name="need-detail"),
    path("needs/<int:pk>/close/", views.need_close, name="need-close"),
    path("needs/<int:pk>/propose/", views.need_propose, name="need-propose"),
    path("quote-requests/new/", views.quote_request_create, name="quote-request-create"),
    path("quote-requests/<int:pk>/", views.quote_request_detail, name="quote-request-detail"),
    path("quote-requests/<int:pk>/quote/", views.quote_create, name="quote-create"),
    path("quotes/<int:pk>/accept/", views.quote_accept, name="quote-accept"),
    path("quotes/<int:pk>/revise/", views.quote_revise, name="quote-revise"),
    path("quotes/<int:pk>/decline/", views.quote_decline, name="quote-decline"),
    path("quotes/<int:pk>/rate/", views.quote_rate, name="quote-rate"),
    path("quote-requests/<int:pk>/messages/<int:vendor_pk>/", views.message_thread,
         name="message-thread"),
    path("message-attachments/<int:pk>/", views.message_attachment,
         name="message-attachment"),
    path("following/", follow_views.following, name="following"),
    path("following/new/", follow_views.follow_create, name="follow-create"),
    path("following/<int:pk>/delete/", follow_views.follow_delete, name="follow-delete"),
]
