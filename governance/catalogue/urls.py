from django.urls import path

from governance.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.search, name="search"),
    path("sites/", views.sites, name="sites"),
    path("coverage/", views.coverage, name="coverage"),
    path("mine/", views.my_datasets, name="mine"),
    path("datasets/new/", views.dataset_create, name="dataset_create"),
    path("datasets/<int:pk>/", views.dataset_detail, name="dataset"),
    path("datasets/<int:pk>/edit/", views.dataset_edit, name="dataset_edit"),
    path("datasets/<int:pk>/statements/new/", views.statement_new, name="statement_new"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("statements/<int:pk>/edit/", views.statement_edit, name="statement_edit"),
    path("statements/<int:pk>/publish/", views.statement_publish, name="statement_publish"),
]
