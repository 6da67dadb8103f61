# Runs train_coref --sweep over the seeds the lesson talks about and requires the lesson's text to
# quote the figures of that run, as the sweep words them: a change to the training, the corpus or
# the text that makes them disagree fails here.
#   cmake -DTRAIN=<train_coref> -DVOCAB=<vocab.txt> -DLESSON=<attention-lesson.md> -P sweep_matches_lesson.cmake
execute_process(COMMAND "${TRAIN}" "${VOCAB}" --sweep 1 12
                RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "train_coref --sweep failed (${rc}):\n${log}${err}")
endif()
file(READ "${LESSON}" lesson)
string(REGEX REPLACE "[ \t\r\n]+" " " lesson "${lesson}")  # the text wraps where it likes
string(REGEX MATCH "lesson accuracy: ([0-9.]+%) to ([0-9.]+%)" _ "${log}")
set(acc_lo "${CMAKE_MATCH_1}")
set(acc_hi "${CMAKE_MATCH_2}")
string(REGEX MATCH "lesson attention: ([^\n]+)" _ "${log}")
set(attention "${CMAKE_MATCH_1}")
if(acc_lo STREQUAL "" OR attention STREQUAL "")
  message(FATAL_ERROR "the sweep printed no lesson figures:\n${log}")
endif()
if(acc_lo STREQUAL acc_hi)
  set(accuracy "${acc_hi} of held-out sentences")
else()
  set(accuracy "${acc_lo} to ${acc_hi} of held-out sentences")
endif()
foreach(quote "seeds 1 to 12" "${accuracy}" "${attention}")
  string(FIND "${lesson}" "${quote}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "lessons/attention-lesson.md does not quote \"${quote}\" from this run:\n${log}")
  endif()
endforeach()
message(STATUS "the lesson quotes the sweep: ${accuracy}; attention ${attention}")
