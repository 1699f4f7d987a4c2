from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "zhongshu.catalog"
    label = "catalog"
