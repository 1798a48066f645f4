"""Candidate claims from text: countries, stations, operating bureaus, government responses and
headline figures, in Chinese, English and the main European languages. Pure Python, no Django.

    >>> from tnrwatch.extraction import extract
    >>> [c.to_dict() for c in extract("The Dutch government ordered the closure.")]

The public surface is `extract(text, lang=None) -> list[Candidate]` and `Candidate.to_dict()`.
"""

from tnrwatch.extraction.candidate import Candidate
from tnrwatch.extraction.pipeline import extract

__all__ = ["Candidate", "extract"]
