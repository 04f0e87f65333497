"""URLs of the development identity provider (/fc-dev/); every view is off unless enabled."""

from django.urls import path

from . import dev_provider

app_name = "fc_dev"

urlpatterns = [
    path(".well-known/openid-configuration", dev_provider.discovery, name="discovery"),
    path("authorize", dev_provider.authorize, name="authorize"),
    path("token", dev_provider.token, name="token"),
    path("userinfo", dev_provider.userinfo, name="userinfo"),
    path("jwks", dev_provider.jwks, name="jwks"),
    path("session/end", dev_provider.end_session, name="end_session"),
]
