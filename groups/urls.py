from django.urls import path

from . import views

app_name = "groups"
urlpatterns = [
    path("", views.group_list, name="list"),
    path("<str:slug>/", views.group_detail, name="detail"),
    path("<str:slug>/tags/<str:tag>/", views.group_tag, name="tag"),
    path("<str:slug>/items/<int:item_id>/", views.item_detail, name="item"),
    path("<str:slug>/items/<int:item_id>/visit/", views.item_visit, name="visit"),
]
