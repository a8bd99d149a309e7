"""c1: the learner's exercises/ folder is a link to the course's solutions/ (on nbgrader: the
assignment folder is a link to the course's source folder, notebooks with solutions).

via: paths
class: 1
base: none
alone: true
trick: link exercises solutions
lose: all
mentions: is a link
"""
