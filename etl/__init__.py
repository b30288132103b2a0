"""ETL: ``python -m etl demo|load|history|rollback|export``.

One fixed sequence per file: read (bytes -> sheets of cells) -> recognise (header, layout,
index, year, units) -> validate (collect every problem) -> transform (tidy rows) -> load
(one transaction, versioned).
"""
