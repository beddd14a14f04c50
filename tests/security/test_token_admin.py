"""Finding 11 (second half) of issue 21: an admin lists and revokes the read-API tokens of users in its subtree,
and of nobody else."""

import pytest
from django.urls import reverse

from plans.models import ApiToken, Profile, Region
from tests.conftest import DALIAN, SHENYANG, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokens(cast):
    jilin = Region.objects.get(code="220000")  # the seed holds 吉林 too
    owners = {
        "shenyang": make_user("tok_sy", Profile.Role.VIEWER, SHENYANG),
        "dalian": make_user("tok_dl", Profile.Role.REPORTER, DALIAN),
        "jilin": make_user("tok_jl", Profile.Role.VIEWER, jilin.code),
    }
    return {name: ApiToken.issue(user, f"大屏{name}")[0] for name, user in owners.items()}


def test_the_province_admin_lists_the_tokens_of_its_users_only(tokens, cast, client):
    client.force_login(cast["admin"])
    html = client.get(reverse("api_tokens_admin")).content.decode()
    assert "大屏shenyang" in html and "大屏dalian" in html and "大屏jilin" not in html


def test_the_admin_revokes_a_token_in_its_subtree(tokens, cast, client):
    client.force_login(cast["admin"])
    response = client.post(reverse("api_token_admin_revoke", args=[tokens["dalian"].pk]), follow=True)
    assert "已吊销" in response.content.decode()
    assert not ApiToken.objects.filter(pk=tokens["dalian"].pk).exists()


def test_a_city_admin_cannot_revoke_another_citys_or_provinces_token(tokens, client):
    client.force_login(make_user("sy_admin", Profile.Role.ADMIN, SHENYANG))
    for name in ("dalian", "jilin"):
        assert client.post(reverse("api_token_admin_revoke", args=[tokens[name].pk])).status_code == 404
    assert ApiToken.objects.count() == 3


@pytest.mark.parametrize("who", ["province_reporter", "leader", "dalian_viewer", "outsider"])
def test_other_roles_cannot_list_or_revoke(who, tokens, cast, client):
    client.force_login(cast[who])
    assert client.get(reverse("api_tokens_admin")).status_code == 403
    assert client.post(reverse("api_token_admin_revoke", args=[tokens["shenyang"].pk])).status_code == 403
    assert ApiToken.objects.count() == 3


def test_the_admin_reaches_the_page_from_its_own_tokens_page(cast, client):
    client.force_login(cast["admin"])
    assert reverse("api_tokens_admin") in client.get(reverse("api_tokens")).content.decode()
