"""Analytics URLs, appended to `appeals/urls.py` (namespace "appeals", mounted at /appeals/)."""

from django.urls import path

from zhongshu.appeals import views_analytics as views

urlpatterns = [
    path("analytics/", views.dashboard, name="analytics"),
    path("analytics/drill/", views.drill, name="analytics_drill"),
    path("analytics/data/hotspots.json", views.hotspots_json, name="analytics_hotspots"),
    path("analytics/data/emotion.json", views.emotion_json, name="analytics_emotion"),
    path("analytics/data/performance.json", views.performance_json, name="analytics_performance"),
    path("analytics/data/spikes.json", views.spikes_json, name="analytics_spikes"),
    path("analytics/data/report.json", views.report_json, name="analytics_report"),
    path("analytics/data/groups.json", views.groups_json, name="analytics_groups"),
]
