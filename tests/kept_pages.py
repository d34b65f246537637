"""For the kept-pages tests (portal.pagecache)."""


def keep(client, url) -> str:
    """Visit twice, so the page is kept (the first visit sets the CSRF cookie, the second
    keeps the page); returns it."""
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()
