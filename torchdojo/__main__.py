from torchdojo.cli import main

main()
