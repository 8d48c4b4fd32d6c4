from django.urls import path

from . import views

urlpatterns = [
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("organization/members/", views.members, name="members"),
    path("organization/members/<int:pk>/role/", views.member_role, name="member-role"),
    path("organization/members/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("organization/members/leave/", views.members_leave, name="members-leave"),
    path("organization/members/transfer/", views.members_transfer, name="members-transfer"),
    path("organization/invitations/<int:pk>/<str:action>/", views.invitation_manage,
         name="invitation-manage"),
    path("organization/api-keys/", views.api_keys, name="api-keys"),
    path("organization/api-keys/<int:pk>/revoke/", views.api_key_revoke, name="api-key-revoke"),
]
