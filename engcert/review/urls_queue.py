from django.urls import URLPattern, URLResolver, path

from engcert.review.views import diagram, queue

app_name = "queue"
urlpatterns: list[URLPattern | URLResolver] = [
    path("states/", diagram.state_diagram_view, name="states"),
    path("<slug:society>/batches/<int:pk>/queue/", queue.queue, name="queue"),
    path("<slug:society>/batches/<int:pk>/queue/bulk/", queue.queue_bulk, name="bulk"),
    path("<slug:society>/batches/<int:pk>/queue/exports/<int:job>/", queue.export_job, name="export"),
    path(
        "<slug:society>/batches/<int:pk>/queue/exports/<int:job>/progress/",
        queue.export_progress,
        name="export_progress",
    ),
    path(
        "<slug:society>/batches/<int:pk>/queue/exports/<int:job>/resume/",
        queue.export_resume,
        name="export_resume",
    ),
    path(
        "<slug:society>/batches/<int:pk>/queue/exports/<int:job>/download/",
        queue.export_download,
        name="export_download",
    ),
]
