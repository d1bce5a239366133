"""Wagtail's chooser widgets without their inline start-up script, which the
Content-Security-Policy refuses: a hidden marker carries the same constructor and
arguments, and ``static/js/admin-csp.js`` starts the chooser (as it does Wagtail's date
choosers and inline panels). Use them in panels: ``FieldPanel("document",
widget=DocumentChooser)``."""

import json

from django.utils.html import format_html
from wagtail.admin.widgets import AdminPageChooser
from wagtail.documents.widgets import AdminDocumentChooser


class ScriptFreeChooserMixin:
    def render(self, name, value, attrs=None, renderer=None):
        id_ = attrs["id"]
        value_data = self.get_value_data(value)
        return format_html(
            '{}<span hidden data-csp-chooser="{}" data-csp-target="{}" data-csp-options="{}"></span>',
            self.render_html(name, value_data, attrs),
            self.js_constructor,
            id_,
            json.dumps(self.get_js_init_options(id_, name, value_data)),
        )


class PageChooser(ScriptFreeChooserMixin, AdminPageChooser):
    pass


class DocumentChooser(ScriptFreeChooserMixin, AdminDocumentChooser):
    pass
