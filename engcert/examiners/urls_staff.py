from django.urls import path

from engcert.examiners.views import panels, pool, schedule

app_name = "examiners"
urlpatterns = [
    path("<slug:society>/examiners/", pool.pool, name="pool"),
    path("<slug:society>/examiners/new/", pool.examiner_new, name="examiner_new"),
    path("<slug:society>/examiners/policy/", pool.policy, name="policy"),
    path("<slug:society>/examiners/rooms/", pool.rooms, name="rooms"),
    path("<slug:society>/examiners/rooms/new/", pool.room_edit, name="room_new"),
    path("<slug:society>/examiners/rooms/<int:pk>/", pool.room_edit, name="room_edit"),
    path("<slug:society>/examiners/<int:pk>/", pool.examiner_detail, name="examiner"),
    path("<slug:society>/examiners/<int:pk>/edit/", pool.examiner_edit, name="examiner_edit"),
    path("<slug:society>/examiners/<int:pk>/active/", pool.examiner_active, name="examiner_active"),
    path("<slug:society>/examiners/<int:pk>/employers/", pool.employment_add, name="employment_add"),
    path(
        "<slug:society>/examiners/<int:pk>/employers/<int:item>/delete/",
        pool.employment_remove,
        name="employment_remove",
    ),
    path("<slug:society>/examiners/<int:pk>/days/", pool.days_change, name="days_change"),
    path("<slug:society>/examiners/<int:pk>/relations/", pool.relation_add, name="relation_add"),
    path(
        "<slug:society>/examiners/<int:pk>/relations/<int:item>/delete/",
        pool.relation_remove,
        name="relation_remove",
    ),
    path("<slug:society>/batches/<int:pk>/panels/", panels.batch_panels, name="batch_panels"),
    path("<slug:society>/batches/<int:pk>/panels/fill/", panels.panels_fill, name="panels_fill"),
    path("<slug:society>/batches/<int:pk>/panels/schedule/", schedule.schedule_new, name="schedule_new"),
    path(
        "<slug:society>/batches/<int:pk>/panels/schedule/<int:run>/",
        schedule.schedule_run,
        name="schedule_run",
    ),
    path(
        "<slug:society>/batches/<int:pk>/panels/schedule/<int:run>/confirm/",
        schedule.schedule_confirm,
        name="schedule_confirm",
    ),
    path("<slug:society>/batches/<int:pk>/panels/<uuid:uid>/", panels.panel, name="panel"),
    path("<slug:society>/batches/<int:pk>/panels/<uuid:uid>/seats/", panels.seat_add, name="seat_add"),
    path(
        "<slug:society>/batches/<int:pk>/panels/<uuid:uid>/seats/<int:seat>/remove/",
        panels.seat_remove,
        name="seat_remove",
    ),
    path(
        "<slug:society>/batches/<int:pk>/panels/<uuid:uid>/seats/<int:seat>/replace/",
        panels.seat_replace,
        name="seat_replace",
    ),
    path(
        "<slug:society>/batches/<int:pk>/panels/<uuid:uid>/seats/<int:seat>/chair/",
        panels.seat_chair,
        name="seat_chair",
    ),
    path(
        "<slug:society>/batches/<int:pk>/panels/<uuid:uid>/interview/",
        panels.interview_new,
        name="interview_new",
    ),
    path(
        "<slug:society>/batches/<int:pk>/panels/<uuid:uid>/interview/<int:interview>/move/",
        panels.interview_change,
        name="interview_move",
    ),
    path(
        "<slug:society>/batches/<int:pk>/panels/<uuid:uid>/interview/<int:interview>/no-show/",
        panels.interview_no_show,
        name="interview_no_show",
    ),
]
