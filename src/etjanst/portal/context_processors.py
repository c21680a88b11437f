from django.conf import settings

from etjanst.content.look import municipality as current_municipality


def municipality(request):
    return {
        "municipality": current_municipality(request),
        "idle_timeout": settings.ETJANST_IDLE_TIMEOUT,
    }
