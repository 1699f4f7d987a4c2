from django.apps import AppConfig


class NlpConfig(AppConfig):
    name = "zhongshu.nlp"
    label = "nlp"
