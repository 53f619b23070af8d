from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "engcert.demo"
    label = "demo"
    verbose_name = "Demo data"
