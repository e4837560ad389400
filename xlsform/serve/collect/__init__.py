"""What the collection service does, without the web: no Flask here, so each piece is testable on its own and
a checking process imports none of the web layer.

Arrows point down only:
    intake      one upload -> stored file, checked in the pool, a submission row
    checkers    the pool: checking processes (or the server's threads) and their pipe protocol
    worker      what a checker does with a request; `python -m xlsform.serve.collect.worker` is the process
    downloads   the office's downloads: summary of the accepted returns, zip, CSV
    answers     a check's result as the service keeps and answers it (state labels, refusals, JSON text)
    links       unit links and links.csv
and below them the library (check, store, merge, writer ...).
"""
