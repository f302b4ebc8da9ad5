# scripts/pitch/track.praat IN OUT -- Praat's autocorrelation pitch (standard settings, 60-500 Hz,
# every 10 ms) of IN into OUT, one "time f0" line per frame (0 = unvoiced). Used by bench.py and
# tests/espeak/pitch_codec_test.sh: praat --run track.praat in.wav out.txt
form pitch
  sentence in
  sentence out
endform
Read from file: in$
To Pitch (ac): 0.01, 60, 15, "no", 0.03, 0.45, 0.01, 0.35, 0.14, 500
n = Get number of frames
deleteFile: out$
for i to n
  t = Get time from frame number: i
  f = Get value in frame: i, "Hertz"
  if f = undefined
    f = 0
  endif
  appendFileLine: out$, fixed$(t, 4), " ", fixed$(f, 2)
endfor
