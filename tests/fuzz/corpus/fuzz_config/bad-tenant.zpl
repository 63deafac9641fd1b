planner
    tenants
        acme
            max_segments = 11
            working_days = mon,funday
