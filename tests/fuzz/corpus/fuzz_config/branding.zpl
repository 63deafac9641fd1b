#   Tenants from config, for the fixtures beside this file: each runs as
#   branding --config branding.zpl (actors/branding/config-fixtures.cmake),
#   without Redis unless a <case>.redis is beside it.
branding
    tenants
        cfgco
            name = "CfgCo"
            sign_off = "- CfgCo Payroll"
            tone = formal
            emoji = 1
            max_segments = 2
        badtone
            tone = cheerful
