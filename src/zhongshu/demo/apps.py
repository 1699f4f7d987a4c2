from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zhongshu.demo"
    label = "demo"
