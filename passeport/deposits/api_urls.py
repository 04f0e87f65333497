app_name = "deposits_api"
urlpatterns: list = []
