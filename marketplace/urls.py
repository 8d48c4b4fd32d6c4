from django.urls import path

from .views import buyers, dashboard, follows, messages, needs, quotes, ratings

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("needs/new/", needs.need_create, name="need-create"),
    path("needs/<int:pk>/", needs.need_detail, name="need-detail"),
    path("needs/<int:pk>/close/", needs.need_close, name="need-close"),
    path("needs/<int:pk>/propose/", needs.need_propose, name="need-propose"),
    path("quote-requests/new/", quotes.quote_request_create, name="quote-request-create"),
    path("quote-requests/<int:pk>/", quotes.quote_request_detail, name="quote-request-detail"),
    path("quote-requests/<int:pk>/quote/", quotes.quote_create, name="quote-create"),
    path("quotes/<int:pk>/accept/", quotes.quote_accept, name="quote-accept"),
    path("quotes/<int:pk>/revise/", quotes.quote_revise, name="quote-revise"),
    path("quotes/<int:pk>/decline/", quotes.quote_decline, name="quote-decline"),
    path("quotes/<int:pk>/rate/", ratings.quote_rate, name="quote-rate"),
    path("quote-requests/<int:pk>/messages/<int:vendor_pk>/", messages.message_thread,
         name="message-thread"),
    path("message-attachments/<int:pk>/", messages.message_attachment,
         name="message-attachment"),
    path("following/", follows.following, name="following"),
    path("following/new/", follows.follow_create, name="follow-create"),
    path("following/<int:pk>/delete/", follows.follow_delete, name="follow-delete"),
    path("start/", buyers.buyer_start, name="buyer-start"),
]
