from django import forms
from django.utils.translation import gettext_lazy as _

from . import matching


class XrefUploadForm(forms.Form):
    file = forms.FileField(label=_("FtM entity file (JSON lines)"))
    dataset = forms.CharField(label=_("Provided by"), max_length=200, required=False,
                              help_text=_("e.g. the partner or the open dataset the file comes from"))
    threshold = forms.FloatField(label=_("Lowest score proposed"), min_value=0.05, max_value=1.0,
                                 initial=matching.DEFAULT_THRESHOLD)
    keep = forms.BooleanField(label=_("Keep a copy of the file"), required=False,
                              help_text=_("Off: the file is deleted when the run ends; its name, size and SHA-256 "
                                          "and the proposed entities are kept."))
