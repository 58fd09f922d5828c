from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "interdep.notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from interdep.checkins.channels import (
            CHANNELS,
        )  # deferred: models and other apps load after the registry
        from interdep.notifications import (
            receivers,
        )  # deferred: models and other apps load after the registry
        from interdep.notifications.push import (
            PushReminderChannel,
        )  # deferred: models and other apps load after the registry

        receivers.connect()
        # Check-in reminders may go by push (falling back to email), chosen per person.
        CHANNELS.setdefault("push", PushReminderChannel())
