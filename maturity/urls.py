from django.urls import path

from . import views

urlpatterns = [
    path("maturity/assessment/", views.assessment, name="maturity-assessment"),
    path("maturity/assessment/complete/", views.assessment_complete,
         name="maturity-assessment-complete"),
    path("maturity/assessment/<slug:code>/", views.assessment_subdomain,
         name="maturity-assessment-subdomain"),
    path("maturity/assessments/<int:pk>/results/", views.results, name="maturity-results"),
    path("factories/", views.factory_list, name="factory-list"),
    path("factories/new/", views.factory_create, name="factory-create"),
    path("factories/<int:pk>/", views.factory_detail, name="factory-detail"),
    path("factories/<int:pk>/evidence/", views.factory_evidence_add,
         name="factory-evidence-add"),
    path("factories/<int:pk>/verify/", views.factory_verify, name="factory-verify"),
    path("factories/<int:pk>/reject/", views.factory_reject, name="factory-reject"),
    path("factories/<int:pk>/resubmit/", views.factory_resubmit, name="factory-resubmit"),
    path("factories/evidence/<int:pk>/", views.factory_evidence, name="factory-evidence"),
    path("targets/", views.targets_summary, name="targets-summary"),
    path("targets/dashboard/", views.targets_dashboard, name="targets-dashboard"),
    path("targets/dashboard.csv", views.targets_csv, name="targets-csv"),
]
