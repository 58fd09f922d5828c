from django.apps import AppConfig


class DataRightsConfig(AppConfig):
    name = "interdep.datarights"
    label = "datarights"
    verbose_name = "Data rights"

    def ready(self) -> None:
        # The exporters and erasers of the core apps, and the hook that runs every eraser
        # whenever an account is deleted (the delete page, the admin, or a script).
        from interdep.datarights import builtin, signals  # noqa: F401
        from interdep.datarights.extended import register_installed

        register_installed()
