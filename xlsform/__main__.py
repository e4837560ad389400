from xlsform.cli import main

main()
