from django import template

from groups.fragments import views_label

register = template.Library()

register.filter("views_label", views_label)
