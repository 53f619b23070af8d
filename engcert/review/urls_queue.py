from django.urls import URLPattern, URLResolver, path

from engcert.review.views import diagram, queue

app_name = "queue"
urlpatterns: list[URLPattern | URLResolver] = [
    path("states/", diagram.state_diagram_view, name="states"),
    path("<slug:society>/batches/<int:pk>/queue/", queue.queue, name="queue"),
    path("<slug:society>/batches/<int:pk>/queue/bulk/", queue.queue_bulk, name="bulk"),
]
