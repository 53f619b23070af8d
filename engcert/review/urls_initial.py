from django.urls import URLPattern, URLResolver, path

from engcert.review.views import history, initial

app_name = "review"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:society>/applications/<uuid:uid>/review/", initial.application_review, name="application"),
    path(
        "<slug:society>/applications/<uuid:uid>/review/checklist/", initial.checklist_save, name="checklist"
    ),
    path("<slug:society>/applications/<uuid:uid>/review/return/", initial.application_return, name="return"),
    path("<slug:society>/applications/<uuid:uid>/review/reject/", initial.application_reject, name="reject"),
    path(
        "<slug:society>/applications/<uuid:uid>/review/titles/<int:title_id>/",
        initial.title_verify,
        name="title_verify",
    ),
    path(
        "<slug:society>/applications/<uuid:uid>/review/changes/", initial.application_changes, name="changes"
    ),
    path("<slug:society>/applications/<uuid:uid>/history/", history.application_history, name="history"),
]
