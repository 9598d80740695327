from django.urls import path

from masthead.alerts import views

app_name = "alerts"

urlpatterns = [
    path("alerts/", views.my_alerts, name="my_alerts"),
    path("alerts/subscribe", views.subscribe, name="subscribe"),
    path("alerts/remove", views.remove, name="remove"),
    path("alerts/unsubscribe/<str:token>", views.unsubscribe, name="unsubscribe"),
]
