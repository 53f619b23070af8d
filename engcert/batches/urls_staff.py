from django.urls import path

from engcert.batches.views import staff

app_name = "staff"
urlpatterns = [
    path("", staff.society_list, name="batches"),
    path("<slug:society>/batches/", staff.batch_list, name="batches_of"),
    path("<slug:society>/batches/new/", staff.batch_edit, name="batch_new"),
    path("<slug:society>/batches/<int:pk>/", staff.batch_detail, name="batch_detail"),
    path("<slug:society>/batches/<int:pk>/edit/", staff.batch_edit, name="batch_edit"),
    path("<slug:society>/batches/<int:pk>/publish/", staff.batch_publish_view, name="batch_publish"),
]
