from django.apps import AppConfig


class DataRightsConfig(AppConfig):
    name = "interdep.datarights"
    label = "datarights"
    verbose_name = "Data rights"

    def ready(self) -> None:
        """Connect the hook that runs every registered eraser whenever an account is deleted (the
        delete page, the admin, or a script). The apps register their own holders."""
        from interdep.datarights import signals  # noqa: F401  deferred: connects on import
