"""Appeals pages under /appeals/ (citizen pages under /appeals/public/ are the only public ones)."""

from django.urls import path

from zhongshu.appeals import views

app_name = "appeals"
urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("public/", views.public_form, name="public_form"),
    path("public/done/", views.public_done, name="public_done"),
    path("public/track/", views.public_track, name="public_track"),
    path("intake/", views.intake_page, name="intake"),
    path("intake/suggest", views.suggest_fragment, name="suggest"),
    path("intake/history", views.history_fragment, name="history"),
    path("<int:appeal_id>/", views.appeal_detail, name="detail"),
    path("<int:appeal_id>/step", views.appeal_step, name="step"),
    path("<int:appeal_id>/identity", views.identity_fragment, name="identity"),
    path("alerts/<int:alert_id>/ack", views.alert_ack, name="alert_ack"),
    path("import/", views.import_upload, name="import"),
    path("import/<str:token>/", views.import_map, name="import_map"),
    path("import/runs/<int:run_id>/", views.import_result, name="import_result"),
    path("import/runs/<int:run_id>/rejects.csv", views.import_rejects, name="import_rejects"),
    path("open311-clients/", views.open311_clients, name="open311_clients"),
]

# The analytics pages (appeals/views_analytics.py) are another module's; mounted when present.
try:
    from zhongshu.appeals.urls_analytics import urlpatterns as _analytics
except ModuleNotFoundError as exc:
    if exc.name != "zhongshu.appeals.urls_analytics":
        raise
else:
    urlpatterns += _analytics
