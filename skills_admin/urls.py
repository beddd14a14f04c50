from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from plans import account_views as account
from skills_admin import two_factor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("account/password/", account.password_change, name="password_change"),
    path("account/reset/<uidb64>/<token>/", account.reset_link_confirm, name="reset_link"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("manage/", include("skills_admin.manage_urls")),
    path("api-tokens/users/", views.api_tokens_admin, name="api_tokens_admin"),
    path("account/two-factor/", two_factor.two_factor, name="two_factor"),
    path("account/two-factor/verify/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("api-tokens/users/<int:pk>/revoke/", views.api_token_admin_revoke, name="api_token_admin_revoke"),
    path("plans/", include("plans.urls")),
    path("figures/", include("targets.urls")),
    path("reports/", include("reports.urls")),
    path("", include("reports.api_urls")),
]
