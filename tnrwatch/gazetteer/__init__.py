"""Names of places and things, with no Django import: ISO countries with their English and Chinese
names (`countries`), the GeoNames city list and the city look-up (`geonames`, `cities`), and the
folding of names across scripts for matching (`names`).

Both the registry and the extractor read these; neither side owns them, so the extractor loads
without the registry or Django (`extraction/tests/test_no_django.py`).
"""
