from django.urls import path

from zhongshu.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_view, name="password"),
    path("users/", views.users, name="users"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("requests/", views.requests_view, name="requests"),
    path("departments/", views.departments, name="departments"),
    path("departments/<int:pk>/", views.department_detail, name="department"),
    path("security/", views.security, name="security"),
]
