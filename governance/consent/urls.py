from django.urls import path

from governance.consent import views

app_name = "consent"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("figures/", views.figures, name="figures"),
    path("subjects/", views.pseudonym_history, name="history"),
    path("datasets/<int:pk>/", views.dataset_records, name="dataset"),
    path("datasets/<int:pk>/records/new/", views.record_create, name="record_create"),
    path("datasets/<int:pk>/import/", views.import_records, name="import"),
    path("datasets/<int:pk>/fhir/", views.dataset_fhir_bundle, name="dataset_fhir"),
    path("records/<int:pk>/", views.record_detail, name="record"),
    path("records/<int:pk>/withdraw/", views.record_withdraw, name="record_withdraw"),
    path("forms/", views.form_list, name="forms"),
    path("forms/new/", views.form_create, name="form_create"),
    path("forms/<int:pk>/", views.form_detail, name="form"),
    path("forms/<int:pk>/edit/", views.form_edit, name="form_edit"),
    path("forms/<int:pk>/document/", views.form_document, name="form_document"),
    path("forms/<int:pk>/publish/", views.form_publish, name="form_publish"),
    path("forms/<int:pk>/new-version/", views.form_new_version, name="form_new_version"),
]
