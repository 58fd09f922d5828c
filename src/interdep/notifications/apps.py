from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "interdep.notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from interdep.checkins.channels import CHANNELS
        from interdep.notifications import receivers
        from interdep.notifications.push import PushReminderChannel

        receivers.connect()
        # Check-in reminders may go by push (falling back to email), chosen per person.
        CHANNELS.setdefault("push", PushReminderChannel())
