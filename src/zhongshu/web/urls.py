from django.urls import path

from zhongshu.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("system/status/", views.system_status, name="system_status"),
]
