from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "zhongshu.appeals"
    label = "appeals"
