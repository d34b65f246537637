"""Keys and issued credentials in the admin. No form, list or export here ever shows a
private key: the encrypted bytes are excluded from every admin page."""

from django.contrib import admin, messages

from . import keys
from .models import IssuedCredential, SigningKey


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ["key_id", "algorithm", "created_at", "retired_at"]
    fields = ["key_id", "algorithm", "created_at", "retired_at", "public_jwk"]
    readonly_fields = fields
    actions = ["rotate"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a deleted key would leave the credentials it signed unverifiable

    @admin.action(description="Rotate: make a new signing key (the old ones keep verifying)")
    def rotate(self, request, queryset):
        """Tick any key and run it: the new key signs from now on, whatever was ticked."""
        key = keys.signing_key_create()
        messages.success(request, f"New credentials are signed with {key.key_id} from now on.")


@admin.register(IssuedCredential)
class IssuedCredentialAdmin(admin.ModelAdmin):
    list_display = ["uuid", "certificate", "signing_key", "status_index", "issued_at"]
    list_select_related = ["certificate", "signing_key"]
    search_fields = ["uuid", "certificate__holder_name", "certificate__code"]
    fields = ["uuid", "certificate", "signing_key", "status_index", "issued_at", "jws"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
