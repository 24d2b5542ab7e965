/*
 * Mirubato tuner: microphone -> pitch-worklet.js ("mirubato-pitch", YIN) -> smoothed note readings.
 * A classic script with no dependencies (it also runs on the offline page): defines window.MirubatoTuner.
 *
 *   const tuner = await MirubatoTuner.start({onReading, onState});   // from a click handler
 *   ...
 *   tuner.stop();
 */
(function () {
  "use strict";

  const NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];
  // The page may name notes another way (German H, solfège do ré mi): window.MirubatoNoteNames.
  function nameOf(midi) {
    const names = window.MirubatoNoteNames || NAMES;
    return names[((midi % 12) + 12) % 12];
  }
  const GUITAR_STANDARD = [
    { name: "E2", midi: 40 },
    { name: "A2", midi: 45 },
    { name: "D3", midi: 50 },
    { name: "G3", midi: 55 },
    { name: "B3", midi: 59 },
    { name: "E4", midi: 64 },
  ];
  const MIN_CLARITY = 0.8; // estimates less clear than this are ignored (noise, attacks, chords)
  // Readings are the median of the last HISTORY clear estimates, reported only once there are
  // HISTORY of them within a semitone: a note's first two windows straddle its attack (or the
  // previous note) and can be several cents off, and a median of five outvotes two such estimates.
  const HISTORY = 5;
  const SILENCE_RMS = 0.01; // same as the worklet

  /** The fractional MIDI number of a frequency (69 = A4 = referenceA). */
  function midiOf(frequency, referenceA) {
    return 69 + 12 * Math.log2(frequency / (referenceA || 440));
  }

  /**
   * The nearest equal-tempered note: {midi, name, octave, cents, frequency, target}.
   * frequency is the one given, target the note's own pitch; cents (rounded to 0.1) is how far
   * frequency is above (+) or below (-) target. null for a frequency that is not a positive number.
   */
  function noteOf(frequency, referenceA = 440) {
    if (!(frequency > 0) || !isFinite(frequency)) return null;
    const exact = midiOf(frequency, referenceA);
    const midi = Math.round(exact);
    const cents = Math.round((exact - midi) * 1000) / 10;
    return {
      midi,
      name: nameOf(midi),
      octave: Math.floor(midi / 12) - 1,
      cents: cents || 0, // never -0
      frequency,
      target: referenceA * Math.pow(2, (midi - 69) / 12),
    };
  }

  /** The nearest string of a guitar in standard tuning: {name, midi, cents} (cents may be large). */
  function guitarString(frequency, referenceA = 440) {
    if (!(frequency > 0) || !isFinite(frequency)) return null;
    const exact = midiOf(frequency, referenceA);
    let best = GUITAR_STANDARD[0];
    for (const s of GUITAR_STANDARD) if (Math.abs(exact - s.midi) < Math.abs(exact - best.midi)) best = s;
    const cents = Math.round((exact - best.midi) * 1000) / 10;
    return { name: nameOf(best.midi) + (Math.floor(best.midi / 12) - 1), midi: best.midi, cents: cents || 0 };
  }

  function median(values) {
    const sorted = values.slice().sort((a, b) => a - b);
    const half = sorted.length >> 1;
    return sorted.length % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
  }

  /** The state a getUserMedia failure means for the user. */
  function stateOfError(error) {
    const name = (error && error.name) || "";
    if (name === "NotAllowedError" || name === "SecurityError" || name === "PermissionDeniedError") return "denied";
    if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") {
      return "no-microphone";
    }
    return "error";
  }

  /**
   * Start listening. Call it from a user gesture (a click): browsers only let audio start then.
   * Options: onReading(reading), onState(state, detail), workletUrl, referenceA (440),
   * minFrequency / maxFrequency (the worklet's defaults: 40..1500 Hz).
   * A reading is {frequency, clarity, rms, note: noteOf(frequency)}; when the sound stops, one
   * reading with frequency and note null says so. States: "asking", "listening", "denied",
   * "no-microphone", "unsupported", "error" (detail: the message).
   * Resolves to a handle {stop(), state}; when starting failed, state says why and stop() does nothing.
 * stop() releases the microphone and the audio context (onState is not called for it).
   */
  async function start(options = {}) {
    const onReading = options.onReading || function () {};
    const onState = options.onState || function () {};
    const referenceA = options.referenceA || 440;
    const handle = { state: "asking", stop() {} };
    const setState = (state, detail) => {
      handle.state = state;
      try {
        onState(state, detail);
      } catch (e) {
        console.error(e);
      }
    };

    // Without a secure context (https or localhost) there is neither AudioWorklet nor mediaDevices:
    // say "unsupported" rather than "no microphone".
    const AudioContextClass = window.AudioContext || window.webkitAudioContext;
    if (!window.isSecureContext || !AudioContextClass || !window.AudioWorkletNode) {
      setState("unsupported", "This browser cannot analyse sound here (it needs https and AudioWorklet).");
      return handle;
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      setState("no-microphone", "No microphone API in this browser.");
      return handle;
    }

    setState("asking");
    let stream;
    try {
      // The browser's voice processing would flatten a sustained note, so turn it all off.
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      });
    } catch (error) {
      setState(stateOfError(error), (error && error.message) || String(error));
      return handle;
    }

    let context = null;
    let source = null;
    let node = null;
    let mute = null;
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      stream.getTracks().forEach((track) => track.stop());
      if (node) node.port.onmessage = null;
      for (const n of [source, node, mute]) if (n) n.disconnect();
      if (context && context.state !== "closed") context.close().catch(() => {});
    };

    try {
      // Firefox refuses to connect a microphone whose rate differs from the context's, so ask for
      // the microphone's rate when it is known.
      const settings = stream.getAudioTracks()[0]?.getSettings?.() || {};
      try {
        context = settings.sampleRate ? new AudioContextClass({ sampleRate: settings.sampleRate }) : null;
      } catch (e) {
        context = null; // a rate the browser does not support: use its own
      }
      context = context || new AudioContextClass();
      context.resume().catch(() => {}); // not awaited: without a user gesture it would never settle
      await context.audioWorklet.addModule(options.workletUrl || "/static/pitch-worklet.js");
      source = context.createMediaStreamSource(stream);
      node = new AudioWorkletNode(context, "mirubato-pitch", {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        channelCount: 1,
        channelCountMode: "explicit", // the browser mixes a stereo microphone down to mono for us
        processorOptions: { minFrequency: options.minFrequency, maxFrequency: options.maxFrequency },
      });
      // A node is only processed when something pulls it: route it to the speakers through a
      // silent gain, so nothing is heard.
      mute = context.createGain();
      mute.gain.value = 0;
      source.connect(node).connect(mute).connect(context.destination);
    } catch (error) {
      stop();
      setState("error", (error && error.message) || String(error));
      return handle;
    }

    const history = []; // the last clear estimates, Hz
    let sounding = false; // a reading with a frequency was reported since the last silence
    const report = (reading) => {
      api.last = reading;
      try {
        onReading(reading);
      } catch (e) {
        console.error(e);
      }
    };
    node.port.onmessage = (event) => {
      const { frequency, clarity, rms } = event.data;
      if (frequency === null || rms < SILENCE_RMS) {
        if (rms < SILENCE_RMS) {
          history.length = 0;
          if (sounding) report({ frequency: null, clarity, rms, note: null });
          sounding = false;
        }
        return; // a noisy, unpitched moment: keep the history
      }
      if (clarity < MIN_CLARITY) return;
      // A new note (more than a semitone away) starts a new history, so the median never mixes notes.
      if (history.length && Math.abs(12 * Math.log2(frequency / median(history))) > 1) history.length = 0;
      history.push(frequency);
      if (history.length > HISTORY) history.shift();
      if (history.length < HISTORY) return;
      const smoothed = median(history);
      sounding = true;
      report({ frequency: smoothed, clarity, rms, note: noteOf(smoothed, referenceA) });
    };

    handle.stop = () => {
      stop();
      handle.state = "stopped";
    };
    // The microphone unplugged or its permission revoked (track.stop() in stop() does not fire this).
    stream.getAudioTracks().forEach((track) => {
      track.onended = () => {
        stop();
        setState("no-microphone", "The microphone was disconnected.");
      };
    });
    setState("listening");
    return handle;
  }

  const api = { noteOf, guitarString, GUITAR_STANDARD, start, last: null };
  window.MirubatoTuner = api;
})();
