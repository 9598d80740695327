"""Staff sales pages, mounted at back-office/sales/ (namespace "sales_admin")."""

from django.urls import path

from masthead.commerce import backoffice

app_name = "sales_admin"

urlpatterns = [
    path("", backoffice.overview, name="overview"),
    path("orders/<str:public_id>/", backoffice.order_detail, name="order"),
    path("orders/<str:public_id>/refund", backoffice.refund, name="refund"),
]
