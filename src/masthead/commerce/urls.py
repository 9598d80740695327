from django.urls import path

from masthead.commerce import demo_views, views

app_name = "commerce"

urlpatterns = [
    path("cart", views.cart_view, name="cart"),
    path("cart/add", views.cart_add, name="cart_add"),
    path("cart/remove", views.cart_remove, name="cart_remove"),
    path("checkout", views.checkout, name="checkout"),
    path("orders/<str:public_id>/return", views.order_return, name="order_return"),
    path("orders/<str:public_id>/invoice", views.invoice, name="invoice"),
    path("payments/notify/<slug:provider>", views.notify, name="notify"),
    path("pay/demo/<str:token>", demo_views.demo_pay, name="demo_pay"),
]
