from django.apps import AppConfig


class SurgeriesConfig(AppConfig):
    name = "surgeries"
