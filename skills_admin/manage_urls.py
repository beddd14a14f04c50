"""系统管理: administration inside the product for provincial and city admins (the Django admin stays for
superusers' maintenance). The views live on the floor of what they change."""

from django.urls import path

from plans import account_views as account
from plans import manage_views as users
from reports import manage_views as styles
from targets import manage_views as settings

app_name = "manage"
urlpatterns = [
    path("", users.manage_home, name="home"),
    path("users/", users.user_list, name="users"),
    path("users/new/", users.user_new, name="user_new"),
    path("users/<int:user_id>/", users.user_edit, name="user_edit"),
    path("users/<int:user_id>/active/", users.user_active, name="user_active"),
    path("users/<int:user_id>/password/", users.user_password, name="user_password"),
    path("users/<int:user_id>/reset-link/", account.user_reset_link, name="user_reset_link"),
    path("log/", users.action_log, name="log"),
    path("contacts/", settings.contact_list, name="contacts"),
    path("deliveries/", settings.delivery_log, name="deliveries"),
    path("contacts/department/<int:department_id>/", settings.department_contacts, name="department_contacts"),
    path("contacts/department/<int:department_id>/test/", settings.department_test, name="department_test"),
    path("contacts/<str:region_code>/", settings.region_contacts, name="region_contacts"),
    path("contacts/<str:region_code>/test/", settings.region_test, name="region_test"),
    path("plans/", settings.plan_list, name="plans"),
    path("plans/<slug:slug>/", settings.plan_settings, name="plan_settings"),
    path("plans/<slug:slug>/assessments/", settings.plan_assessments, name="plan_assessments"),
    path("plans/<slug:slug>/style/", styles.circular_style, name="circular_style"),
    path("plans/<slug:slug>/reopen/", settings.reopen, name="reopen"),
]
