from django.urls import path

from zhongshu.nlp import views

app_name = "nlp"
urlpatterns = [
    path("models/", views.models, name="models"),
    path("models/retrain", views.retrain, name="retrain"),
    path("models/<str:kind>/<str:version>/", views.report, name="report"),
    path("models/<str:kind>/<str:version>/activate", views.activate, name="activate"),
]
