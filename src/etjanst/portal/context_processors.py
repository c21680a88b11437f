from django.conf import settings


def municipality(request):
    return {
        "municipality": settings.ETJANST_MUNICIPALITY,
        "idle_timeout": settings.ETJANST_IDLE_TIMEOUT,
    }
