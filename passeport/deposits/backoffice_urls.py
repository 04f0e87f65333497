app_name = "deposits_backoffice"
urlpatterns: list = []
