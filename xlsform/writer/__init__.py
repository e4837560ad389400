"""Writing workbooks: the only package that imports xlsxwriter."""

from xlsform.writer.form import FormPlan, form_bytes, plan_form, write_form

__all__ = ["FormPlan", "form_bytes", "plan_form", "write_form"]
