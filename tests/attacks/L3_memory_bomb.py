"""L3: allocates memory until something stops it (capped a little above the strict limit, so a
failing defence cannot take the machine down with it).

via: grade
"""
_CAP_MIB = int("__MEMORY_MIB__") + 1024


def _bomb():
    hoard = []
    try:
        while len(hoard) * 64 < _CAP_MIB:
            hoard.append(bytearray(1 << 26))
    except MemoryError:
        pass
    print("MEMORY BOMB STOPPED AT", len(hoard) * 64, "MiB", flush=True)


_bomb()
