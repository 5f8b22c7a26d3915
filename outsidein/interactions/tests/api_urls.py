"""The interactions router on an API of its own, for its tests (the project API does not list it
yet: registering it there is one line in outsidein/api/api.py)."""

from django.urls import path

from outsidein.api.api import OutsideInAPI
from outsidein.api.auth import session_auth, token_auth
from outsidein.api.errors import install_error_handlers
from outsidein.api.interactions import router

api = OutsideInAPI(title="Outside-In interactions (tests)", version="tests",
                   urls_namespace="interactions-tests", auth=[token_auth, session_auth])
install_error_handlers(api)
api.add_router("/interactions", router)
urlpatterns = [path("api/", api.urls)]
