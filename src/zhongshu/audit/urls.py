from django.urls import path

from zhongshu.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("export.csv", views.export, name="export"),
    path("verify", views.verify, name="verify"),
    path("checkpoint", views.checkpoint, name="checkpoint"),
]
