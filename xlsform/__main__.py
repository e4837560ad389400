from xlsform.cli import main

if __name__ == "__main__":   # not when a worker process started with "spawn" imports this as __mp_main__
    main()
