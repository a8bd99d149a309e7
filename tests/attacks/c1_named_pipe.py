"""c1: the topic's file is a named pipe: opening it for reading would wait forever for a writer.

via: paths
class: 1
base: none
trick: fifo tensors.py
lose: all
mentions: named pipe
"""
