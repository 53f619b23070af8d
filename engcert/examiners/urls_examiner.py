from django.urls import URLPattern, URLResolver

app_name = "examiner"
urlpatterns: list[URLPattern | URLResolver] = []
