"""Excel import/export URLs; included by ``kefu.customers.urls`` (namespace "customers")."""

from django.urls import path

from kefu.customers import views_import

urlpatterns = [
    path("import/", views_import.import_upload, name="import"),
    path("import/template.xlsx", views_import.import_template, name="import_template"),
    path("import/<str:token>/", views_import.import_result, name="import_result"),
    path("import/<str:token>/errors.xlsx", views_import.import_errors, name="import_errors"),
    path("export.xlsx", views_import.export, name="export"),
]
