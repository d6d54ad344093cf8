from django.urls import path
from django.views.decorators.http import require_safe

from .group_feeds import GroupAtom, GroupRss, GroupTagAtom, GroupTagRss
from .user_feeds import UserAtom, UserRss, UserTagAtom, UserTagRss


def view(feed_class):
    """A feed answers GET and HEAD only."""
    return require_safe(feed_class())


GROUP = "groups/<str:slug>/"
GROUP_TAG = "groups/<str:slug>/tags/<str:tag>/"
USER = "u/<str:username>/"
USER_TAG = "u/<str:username>/tags/<str:tag>/"

app_name = "feeds"
urlpatterns = [
    path(f"{GROUP}rss/", view(GroupRss), name="group_rss"),
    path(f"{GROUP}atom/", view(GroupAtom), name="group_atom"),
    path(f"{GROUP_TAG}rss/", view(GroupTagRss), name="group_tag_rss"),
    path(f"{GROUP_TAG}atom/", view(GroupTagAtom), name="group_tag_atom"),
    path(f"{USER}rss/", view(UserRss), name="user_rss"),
    path(f"{USER}atom/", view(UserAtom), name="user_atom"),
    path(f"{USER_TAG}rss/", view(UserTagRss), name="user_tag_rss"),
    path(f"{USER_TAG}atom/", view(UserTagAtom), name="user_tag_atom"),
]
