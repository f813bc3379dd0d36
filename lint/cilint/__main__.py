from cilint.cli import main

raise SystemExit(main())
