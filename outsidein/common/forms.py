"""Form helpers shared by the staff pages."""

from django.core.exceptions import ValidationError


def add_validation_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on a form: next to its field when the form has that
    field, else at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
