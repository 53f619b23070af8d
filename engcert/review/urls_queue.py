from django.urls import URLPattern, URLResolver, path

from engcert.review.views import diagram

app_name = "queue"
urlpatterns: list[URLPattern | URLResolver] = [
    path("states/", diagram.state_diagram_view, name="states"),
]
