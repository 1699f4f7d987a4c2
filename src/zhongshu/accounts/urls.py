from django.urls import path

from zhongshu.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("users/", views.users, name="users"),
    path("departments/", views.departments, name="departments"),
    path("security/", views.security, name="security"),
]
