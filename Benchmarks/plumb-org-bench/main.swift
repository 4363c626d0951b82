print("plumb-org-bench: not written yet")
