from django.urls import path

from engcert.applications.views import applicant, files, sections

app_name = "applications"
urlpatterns = [
    path("", applicant.my_applications, name="mine"),
    path("start/<int:batch_id>/", applicant.application_start, name="start"),
    path("<uuid:uid>/", applicant.application_detail, name="detail"),
    path("<uuid:uid>/review/", applicant.application_review, name="review"),
    path("<uuid:uid>/submit/", applicant.application_submit_view, name="submit"),
    path("<uuid:uid>/withdraw/", applicant.application_withdraw_view, name="withdraw"),
    path("<uuid:uid>/pdf/", applicant.application_pdf, name="pdf"),
    path("<uuid:uid>/identity-number/", applicant.identity_number_reveal, name="identity_number"),
    path("<uuid:uid>/edit/<slug:section>/", sections.section_edit, name="section"),
    path("<uuid:uid>/files/upload/", files.attachment_upload_view, name="upload"),
    path("<uuid:uid>/files/<uuid:file_uid>/", files.attachment_download, name="file"),
    path("<uuid:uid>/files/<uuid:file_uid>/delete/", files.attachment_delete_view, name="file_delete"),
]
