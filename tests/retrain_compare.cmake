# Retrains one of the lesson's shipped models exactly as scripts/train does (default steps and
# seed) into a scratch folder and requires the same bytes as its lessons/models/ files.
#   cmake -DTRAIN=<train_coref|train_lm> -DMODEL=<coref|story> -DVOCAB=<vocab.txt> -DSOURCE=<repo>
#         -DOUT=<scratch dir> -P retrain_compare.cmake
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")
execute_process(COMMAND "${TRAIN}" "${VOCAB}" "${OUT}/${MODEL}.bin" "${OUT}/${MODEL}-vocab.txt"
                RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${TRAIN} failed (${rc}):\n${log}")
endif()
foreach(name ${MODEL}.bin ${MODEL}-vocab.txt)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${OUT}/${name}" "${SOURCE}/lessons/models/${name}"
                  RESULT_VARIABLE differ)
  if(NOT differ EQUAL 0)
    file(SIZE "${OUT}/${name}" got)
    file(SIZE "${SOURCE}/lessons/models/${name}" want)
    message(FATAL_ERROR "retrained ${name} (${got} bytes) differs from lessons/models/${name} (${want} bytes)\n${log}")
  endif()
endforeach()
message(STATUS "retrained ${MODEL}.bin and ${MODEL}-vocab.txt are byte for byte the shipped files")
