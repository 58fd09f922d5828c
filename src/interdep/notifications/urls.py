from django.urls import path

from interdep.notifications import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("badge/", views.badge, name="notifications_badge"),
    path("recent/", views.recent, name="notifications_recent"),
    path("push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("push/unsubscribe/", views.push_unsubscribe, name="push_unsubscribe"),
    path("push/key/", views.push_key, name="push_key"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="notifications_unsubscribe"),
]
