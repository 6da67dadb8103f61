# Reruns the race of scripts/race (default options, whose learning rates are the sweep's picks: a
# unit test checks that against the file's sweep lines) into a scratch file and requires every
# line of lessons/models/race-reference.txt except the timings ("time ...") and the sweep
# ("sweep ...", whose rerun takes three races' time) to be the same: the reference run the lesson
# shows is what the native command produces.
#   cmake -DRACE=<race> -DSOURCE=<repo> -DOUT=<scratch file> -P race_matches_reference.cmake
execute_process(COMMAND "${RACE}" --out "${OUT}" RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "race failed (${rc}):\n${log}")
endif()
file(STRINGS "${OUT}" got)
file(STRINGS "${SOURCE}/lessons/models/race-reference.txt" want)
list(FILTER got EXCLUDE REGEX "^(time|sweep) ")
list(FILTER want EXCLUDE REGEX "^(time|sweep) ")
if(NOT got STREQUAL want)
  foreach(line IN LISTS want)
    list(FIND got "${line}" at)
    if(at EQUAL -1)
      string(SUBSTRING "${line}" 0 160 shown)
      message(STATUS "in the reference, not in the rerun: ${shown}")
    endif()
  endforeach()
  message(FATAL_ERROR "a rerun of scripts/race differs from lessons/models/race-reference.txt (timings and sweep aside):\n${log}")
endif()
message(STATUS "scripts/race reproduces lessons/models/race-reference.txt, timings and sweep aside")
