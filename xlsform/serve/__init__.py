"""`xlsform serve`: the collection service, its own room.

    app.py        create_app: the Flask app, its error pages, CSRF and headers on every request
    units.py      /u/<token>: a unit's private page and its uploads
    admin.py      /admin: the office's pages and downloads
    web.py        what the two share: the JSON-or-page answer, the client's address, the CSRF token
    service.py    ServeConfig and Service: the store, the intake, the manifest, the login throttle
    security.py   passwords, login throttling, headers
    collect/      what the service does, without the web (intake, checking processes, downloads, links)

Routes read the request, call `collect` and the library, and render one autoescaped template per page; no
rule, score or SQL lives here. This file imports nothing, so a checking process (`collect.worker`) never
loads Flask.
"""
