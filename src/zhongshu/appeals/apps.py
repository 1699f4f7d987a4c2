from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "zhongshu.appeals"
    label = "appeals"

    def ready(self) -> None:
        # resource rules (a handler sees only its department's appeals) must be registered
        # before the first authorization decision, whichever module is imported first
        from zhongshu.appeals import rules  # noqa: F401
