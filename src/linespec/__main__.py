from linespec.entry import main

raise SystemExit(main())
