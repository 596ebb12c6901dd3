"""dpskit: the Defend Peoples' Struggle workshop kit.

Session notebooks and content data in, participant notebooks, slides, handouts and
facilitator guides out. Heavy modules (nbconvert, pandas, ipywidgets) load lazily so the
command line starts fast.
"""

__version__ = "0.1.0"
