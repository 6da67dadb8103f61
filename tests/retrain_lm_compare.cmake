# Retrains the generation section's story model exactly as scripts/train does (default steps and seed) into a
# scratch folder and requires the same bytes as the shipped lessons/models/ files.
#   cmake -DTRAIN=<train_lm> -DVOCAB=<vocab.txt> -DSOURCE=<repo> -DOUT=<scratch dir> -P retrain_lm_compare.cmake
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")
execute_process(COMMAND "${TRAIN}" "${VOCAB}" "${OUT}/story.bin" "${OUT}/story-vocab.txt"
                RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "train_lm failed (${rc}):\n${log}")
endif()
foreach(name story.bin story-vocab.txt)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${OUT}/${name}" "${SOURCE}/lessons/models/${name}"
                  RESULT_VARIABLE differ)
  if(NOT differ EQUAL 0)
    file(SIZE "${OUT}/${name}" got)
    file(SIZE "${SOURCE}/lessons/models/${name}" want)
    message(FATAL_ERROR "retrained ${name} (${got} bytes) differs from lessons/models/${name} (${want} bytes)\n${log}")
  endif()
endforeach()
message(STATUS "retrained story.bin and story-vocab.txt are byte for byte the shipped files")
