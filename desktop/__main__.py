import multiprocessing

from desktop.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the demo builder uses worker processes in a frozen app too
    raise SystemExit(main())
