from django.urls import path

from engcert.privacy import views

app_name = "privacy"
urlpatterns = [
    path("account/data/", views.my_data, name="my_data"),
    path("account/data/download/", views.data_download, name="download"),
    path("account/data/erase/", views.deletion_ask, name="erase"),
    path("account/data/erase/<uuid:uid>/cancel/", views.deletion_cancel, name="cancel"),
    path("staff/<slug:society>/deletion-requests/", views.staff_deletion_list, name="staff_list"),
    path(
        "staff/<slug:society>/deletion-requests/<uuid:uid>/", views.staff_deletion_detail, name="staff_detail"
    ),
    path(
        "applications/<uuid:uid>/identity-number-views/",
        views.identity_number_log,
        name="identity_number_log",
    ),
]
