#   Tenants from config, for the fixtures beside this file: each runs as
#   quality --config quality.zpl (actors/branding/config-fixtures.cmake),
#   without Redis unless a <case>.redis is beside it.
quality
    tenants
        cfgco
            max_segments = 1
            deny_list = "overtime, bonus"
