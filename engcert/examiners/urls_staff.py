from django.urls import URLPattern, URLResolver

app_name = "examiners"
urlpatterns: list[URLPattern | URLResolver] = []
