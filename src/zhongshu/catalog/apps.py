from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "zhongshu.catalog"
    label = "catalog"

    def ready(self) -> None:
        # Resource rules (own-department edits) register at import time.
        from zhongshu.catalog import rules  # noqa: F401
