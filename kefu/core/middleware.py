"""Language: Simplified Chinese unless the person chose another language.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a browser set to
English would get English by default. Kefu's users expect Chinese by default; English is a
choice made with the language switcher (stored in the language cookie).
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class KefuLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
