"""The base of every form: CSRF from Flask-WTF, WTForms' own messages in Chinese."""
from flask_wtf import FlaskForm


class RegistryForm(FlaskForm):
    class Meta:
        # WTForms ships Chinese translations of its built-in messages (e.g. 不是有效的选择。).
        locales = ("zh",)
