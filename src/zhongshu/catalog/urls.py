from django.urls import path

from zhongshu.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("datasets/<int:pk>/", views.dataset, name="dataset"),
    path("datasets/<int:pk>/edit", views.dataset_edit, name="dataset_edit"),
    path("datasets/<int:pk>/fields/<int:field_id>", views.field_edit, name="field_edit"),
    path("datasets/<int:pk>/rollback", views.rollback, name="rollback"),
    path("datasets/<int:pk>/diff", views.diff, name="diff"),
    path("datasets/<int:pk>/rules", views.rule_add, name="rule_add"),
    path("datasets/<int:pk>/recheck", views.recheck, name="recheck"),
    path("upload/", views.upload, name="upload"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path("attempts/<int:pk>/start", views.attempt_start, name="attempt_start"),
    path("attempts/<int:pk>/status", views.attempt_status, name="attempt_status"),
    path("attempts/<int:pk>/rejects.csv", views.rejects, name="rejects"),
    path("sources/", views.source_list, name="sources"),
    path("sources/new", views.source_new, name="source_new"),
    path("sources/<int:pk>/refresh", views.source_refresh, name="source_refresh"),
    path("sources/allow-list/", views.source_rules, name="source_rules"),
    path("quality/incidents/", views.incidents, name="incidents"),
    path("quality/incidents/<int:pk>/transition", views.incident_transition, name="incident_transition"),
]
