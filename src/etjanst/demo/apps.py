from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "etjanst.demo"
    verbose_name = "Demo"
