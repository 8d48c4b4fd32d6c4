from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("solutions/new/", views.solution_create, name="solution-create"),
    path("solutions/<int:pk>/", views.solution_detail, name="solution-detail"),
    path("solutions/<int:pk>/edit/", views.solution_edit, name="solution-edit"),
    path("solutions/<int:pk>/check/", views.solution_check, name="solution-check"),
    path("solutions/<int:pk>/submit/", views.solution_submit, name="solution-submit"),
    path("solutions/<int:pk>/revisions/<int:number>/", views.revision_detail,
         name="revision-detail"),
    path("solutions/<int:pk>/revisions/<int:number>/check/", views.revision_check,
         name="revision-check"),
    path("solutions/<int:pk>/revisions/<int:number>/submit/", views.revision_submit,
         name="revision-submit"),
    path("solutions/<int:pk>/revisions/<int:number>/withdraw/", views.revision_withdraw,
         name="revision-withdraw"),
    path("vendors/<int:pk>/", views.vendor_detail, name="vendor-detail"),
    path("scenarios/<str:code>/", views.scenario_detail, name="scenario-detail"),
    path("review/", views.review_queue, name="review-queue"),
    path("review/progress/", views.review_progress, name="review-progress"),
    path("review/<int:pk>/", views.review_decision, name="review-decision"),
    path("review/<int:pk>/reassign/", views.review_reassign, name="review-reassign"),
    path("review/revisions/<int:pk>/", views.review_revision, name="review-revision"),
    path("review/revisions/<int:pk>/reassign/", views.review_revision_reassign,
         name="review-revision-reassign"),
]
