from linespec.entry import console

raise SystemExit(console())
