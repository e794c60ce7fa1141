"""Results tables, summary figures and the one-page report: views of the estimate files, never re-fits.

``load`` reads and checks the estimate files, ``status`` marks estimates preregistered or exploratory,
``labels`` is the one place for display names, ``format`` prints numbers as journals do, ``render``
writes a table as Markdown, LaTeX (booktabs) and HTML (great_tables). The steps are ``tables``,
``figures`` and ``page`` (``python -m study report``).
"""
