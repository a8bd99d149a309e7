"""I4: out[groups] += values keeps one row per repeated group instead of adding them all.

check: group_sums_accumulate
status: failed
mentions: accumulating with index_add_; differs from the expected values; index_add_(0, groups, values)
"""


def group_sums(values, groups, num_groups):
    out = values.new_zeros(num_groups, values.shape[1])
    out[groups] += values
    return out
