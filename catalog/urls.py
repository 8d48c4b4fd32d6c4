from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("solutions/new/", views.solution_create, name="solution-create"),
    path("solutions/<int:pk>/", views.solution_detail, name="solution-detail"),
    path("solutions/<int:pk>/edit/", views.solution_edit, name="solution-edit"),
    path("solutions/<int:pk>/check/", views.solution_check, name="solution-check"),
    path("solutions/<int:pk>/submit/", views.solution_submit, name="solution-submit"),
    path("vendors/<int:pk>/", views.vendor_detail, name="vendor-detail"),
    path("review/", views.review_queue, name="review-queue"),
    path("review/<int:pk>/", views.review_decision, name="review-decision"),
]
