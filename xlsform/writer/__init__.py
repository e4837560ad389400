"""Writing workbooks: the only package that imports xlsxwriter."""
