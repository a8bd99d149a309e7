"""c1: the topic's file is a link to /proc/self/environ: whoever opens it reads its own
environment (the grading process's, with its tokens). It must be refused unread.

via: paths
class: 1
base: none
trick: link tensors.py /proc/self/environ
lose: all
mentions: is a link
"""
