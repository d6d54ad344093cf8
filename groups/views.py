from django.http import JsonResponse
from django.shortcuts import render


def home(request):
    return render(request, "home.html", {})


def group_list(request):
    return render(request, "groups/group_list.html", {})


def healthz(request):
    return JsonResponse({"ok": True})
