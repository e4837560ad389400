"""Writing workbooks: the only package that imports xlsxwriter."""

from xlsform.writer.form import FormBatch, FormPlan, form_bytes, plan_form, write_form

__all__ = ["FormBatch", "FormPlan", "form_bytes", "plan_form", "write_form"]
