"""Lineage: records, people, agents and commits as a W3C PROV graph.

Everything here is derived from the records and the git history and can be rebuilt at
any time: `history` reads commits, `index` keeps them in `.linespec/lineage.sqlite`,
`queries` answers from that index, `export` writes PROV documents.
"""
