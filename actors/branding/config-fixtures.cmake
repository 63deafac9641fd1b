# Fixtures that need a config file (tenants from config, not Redis): each
# tests/fixtures/<actor>/config/<case>.input.json, with its
# <case>.expected.jsonl, is the test fixture.<actor>.config.<case>, run as
# <actor> --config <actor>.zpl (from the same folder) --harness --expect,
# with a private Redis when a <case>.redis is beside it. The shared loop in
# tests/CMakeLists.txt runs only a folder's own cases, without config.
include_guard(GLOBAL)

function(sb_config_fixtures actor)
    set(folder ${PROJECT_SOURCE_DIR}/tests/fixtures/${actor}/config)
    file(GLOB inputs CONFIGURE_DEPENDS ${folder}/*.input.json)
    foreach(input IN LISTS inputs)
        get_filename_component(file ${input} NAME)
        string(REGEX REPLACE "\\.input\\.json$" "" case ${file})
        set(command $<TARGET_FILE:${actor}> --config ${folder}/${actor}.zpl
                    --harness ${input} --expect ${folder}/${case}.expected.jsonl)
        if(EXISTS ${folder}/${case}.redis)
            set(command ${PROJECT_SOURCE_DIR}/tests/support/with_redis.sh
                        ${folder}/${case}.redis -- ${command})
        endif()
        add_test(NAME fixture.${actor}.config.${case} COMMAND ${command})
        set_tests_properties(fixture.${actor}.config.${case} PROPERTIES TIMEOUT 30)
    endforeach()
endfunction()
