"""Articles are edited in the admin: sections and references inline, with a Markdown preview."""

from django.urls import reverse

from library.models import Article


def test_article_change_form_has_inlines_and_preview(client_for, admin_user, content):
    article = Article.objects.get(slug="psychosocial-interventions")
    html = (
        client_for(admin_user)
        .get(reverse("admin:library_article_change", args=[article.pk]))
        .content.decode()
    )
    assert 'name="sections-0-public_part"' in html
    assert 'name="sections-0-members_part"' in html
    assert 'name="references-5-citation"' in html
    assert "Preview of the rendered text" in html
    assert "<li>motivational interviewing</li>" in html  # the Procedure section's preview


def test_admin_edit_of_a_members_part_shows_to_members_only(
    client_for, admin_user, trainee, client, content
):
    article = Article.objects.get(slug="psychosocial-interventions")
    page = client_for(admin_user).get(reverse("admin:library_article_change", args=[article.pk]))
    form = page.context["adminform"].form

    def value(bound):
        v = bound.value()
        return "" if v is None else v

    data = {name: value(form[name]) for name in form.fields}
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data.update({f"{fs.prefix}-{k}": v for k, v in fs.management_form.initial.items()})
        for f in fs.forms:
            data.update({f.add_prefix(name): value(f[name]) for name in f.fields})
    data = {k: v for k, v in data.items() if v is not False}
    data["sections-1-members_part"] = "Written for **members** by the admin."
    admin_client = client_for(admin_user)
    admin_client.handler.enforce_csrf_checks = False
    response = admin_client.post(reverse("admin:library_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.context and [
        fs.formset.errors for fs in response.context["inline_admin_formsets"]
    ]
    member = client_for(trainee).get(article.get_absolute_url()).content.decode()
    visitor = client.get(article.get_absolute_url()).content.decode()
    assert "Written for <strong>members</strong> by the admin." in member
    assert "Written for" not in visitor
    assert "1 of 6 sections continues for members" in visitor
