from django.urls import path

from engcert.batches.views import public

app_name = "calls"
urlpatterns = [
    path("", public.call_list, name="list"),
    path("<slug:society>/<slug:code>/", public.call_detail, name="detail"),
]
