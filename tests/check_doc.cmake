# check_doc.cmake — fails when docs/message-types.md differs from what
# `envelope schema-doc` generates now. Fix with: make docs
execute_process(COMMAND ${ENVELOPE} schema-doc OUTPUT_VARIABLE generated RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "envelope schema-doc failed (${rc})")
endif()
file(READ ${DOC} committed)
if(NOT generated STREQUAL committed)
    message(FATAL_ERROR "${DOC} is out of date with schemas/types/: run 'make docs'")
endif()
message(STATUS "${DOC} matches schemas/types/")
