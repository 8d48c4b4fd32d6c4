"""The API's router: DRF's DefaultRouter whose root view (the list of endpoints) declares,
like every other operation, who may call it: anyone (accounts.api.policy)."""

from rest_framework import routers

from .policy import Access


class APIRootView(routers.APIRootView):
    access = {"get": Access.public()}


class Router(routers.DefaultRouter):
    APIRootView = APIRootView
