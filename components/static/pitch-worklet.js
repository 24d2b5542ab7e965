/*
 * Mirubato pitch detector, an AudioWorkletProcessor registered as "mirubato-pitch".
 *
 * Algorithm: YIN (de Cheveigné & Kawahara, 2002): difference function, cumulative mean normalized
 * difference (CMND), absolute threshold (first dip below THRESHOLD, followed down to its local
 * minimum), parabolic interpolation on the raw difference function (the paper's step 5: the CMND
 * minimum is slightly biased), and a fall back to the global CMND minimum only when the signal is
 * still clearly periodic (CMND below FALLBACK).
 *
 * Input is kept in a ring buffer of N samples (N = next power of two >= 3 periods of minFrequency:
 * 4096 at 44.1/48 kHz for 40 Hz), so the integration window W = N - tauMax always holds at least two
 * periods of the lowest note. A detection runs every HOP samples and costs at most W * tauMax
 * multiply-adds (about 3.5 M at 48 kHz), usually far fewer: the scan stops as soon as the first dip
 * has been found, so higher notes are cheaper.
 *
 * Posts {frequency: number|null, clarity: 0..1 (1 - CMND at the chosen lag), rms} after each
 * detection. Accepts {minFrequency, maxFrequency} on its port (or as processorOptions).
 */

const THRESHOLD = 0.12; // YIN absolute threshold on the CMND
const FALLBACK = 0.25; // no dip below THRESHOLD: still report the global minimum if it is below this
const SILENCE_RMS = 0.01; // below this the input is silence: no frequency
const HOP = 2048; // samples between two detections (~43 ms at 48 kHz)

class MirubatoPitchProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const opts = (options && options.processorOptions) || {};
    this.minFrequency = 40;
    this.maxFrequency = 1500;
    this.configure(opts.minFrequency, opts.maxFrequency);
    this.port.onmessage = (event) => {
      const data = event.data || {};
      this.configure(data.minFrequency, data.maxFrequency);
    };
  }

  /** Size the buffers for a frequency range; invalid values keep the current ones. */
  configure(minFrequency, maxFrequency) {
    const ok = (f) => typeof f === "number" && isFinite(f) && f >= 20 && f <= sampleRate / 4;
    const min = ok(minFrequency) ? minFrequency : this.minFrequency;
    const max = ok(maxFrequency) ? maxFrequency : this.maxFrequency;
    if (min >= max) return;
    this.minFrequency = min;
    this.maxFrequency = max;
    // Lags: +2 so that minFrequency itself is a lag with a neighbour on each side.
    this.tauMax = Math.ceil(sampleRate / min) + 2;
    this.tauMin = Math.max(2, Math.floor(sampleRate / max) - 1);
    let n = 1024;
    while (n < 3 * this.tauMax) n *= 2;
    if (n !== this.size) {
      this.size = n;
      this.ring = new Float32Array(n); // the last n input samples, written at this.pos
      this.frame = new Float32Array(n); // the ring unrolled, oldest sample first
      this.pos = 0;
      this.filled = 0;
      this.sinceLast = 0;
    }
    this.window = this.size - this.tauMax;
    this.diff = new Float64Array(this.tauMax + 1);
    this.cmnd = new Float64Array(this.tauMax + 1);
  }

  process(inputs) {
    const input = inputs[0];
    const channel = input && input.length > 0 ? input[0] : null;
    // No input connected (or the microphone went away): count a render quantum of silence so the
    // page still hears "silence" instead of the last note forever.
    const frames = channel ? channel.length : 128;
    const ring = this.ring;
    const size = this.size;
    let pos = this.pos;
    for (let i = 0; i < frames; i++) {
      ring[pos] = channel ? channel[i] : 0;
      pos = pos + 1 === size ? 0 : pos + 1;
    }
    this.pos = pos;
    this.filled = Math.min(size, this.filled + frames);
    this.sinceLast += frames;
    if (this.filled === size && this.sinceLast >= HOP) {
      this.sinceLast = 0;
      this.port.postMessage(this.detect());
    }
    return true;
  }

  /** One YIN detection on the whole ring buffer. */
  detect() {
    const x = this.frame;
    const size = this.size;
    const head = size - this.pos; // unroll the ring: oldest sample first
    x.set(this.ring.subarray(this.pos), 0);
    x.set(this.ring.subarray(0, this.pos), head);

    let energy = 0;
    for (let i = 0; i < size; i++) energy += x[i] * x[i];
    const rms = Math.sqrt(energy / size);
    if (rms < SILENCE_RMS) return { frequency: null, clarity: 0, rms };

    const W = this.window;
    const tauMax = this.tauMax;
    const tauMin = this.tauMin;
    const d = this.diff;
    const cmnd = this.cmnd;

    // d(tau) = sum_j (x_j - x_{j+tau})^2 = e0 + e(tau) - 2 r(tau): the two energies are running sums,
    // so each lag costs one multiply-add per sample (the cross term r).
    let e0 = 0;
    for (let j = 0; j < W; j++) e0 += x[j] * x[j];
    let eTau = e0;
    let sum = 0;
    d[0] = 0;
    cmnd[0] = 1;
    let found = -1;
    let last = tauMax;
    for (let tau = 1; tau <= tauMax; tau++) {
      const a = x[tau - 1];
      const b = x[tau + W - 1];
      eTau += b * b - a * a;
      let r = 0;
      for (let j = 0; j < W; j++) r += x[j] * x[j + tau];
      const dt = Math.max(0, e0 + eTau - 2 * r); // rounding can make a perfect match slightly negative
      d[tau] = dt;
      sum += dt;
      cmnd[tau] = sum > 0 ? (dt * tau) / sum : 1;
      if (found < 0) {
        // Absolute threshold: the first lag below THRESHOLD whose next lag is not lower is the
        // bottom of the first dip (higher lags would only be multiples of the period).
        const t = tau - 1;
        if (t >= tauMin && cmnd[t] < THRESHOLD && cmnd[tau] >= cmnd[t]) found = t;
      }
      // Two lags past the dip are enough for the interpolation below; stop there.
      if (found >= 0 && tau >= found + 2) {
        last = tau;
        break;
      }
    }

    let t = found;
    if (t < 0) {
      // No dip below the threshold: take the global minimum, but only if clearly periodic.
      t = tauMin;
      for (let tau = tauMin + 1; tau < tauMax; tau++) if (cmnd[tau] < cmnd[t]) t = tau;
      if (cmnd[t] >= FALLBACK) return { frequency: null, clarity: clamp01(1 - cmnd[t]), rms };
    }
    const clarity = clamp01(1 - cmnd[t]);

    // The raw difference minimum can sit one lag from the CMND minimum (the normalisation tilts it).
    let m = t;
    if (m + 1 < last && d[m + 1] < d[m]) m += 1;
    else if (m - 1 >= 1 && d[m - 1] < d[m]) m -= 1;
    // Parabolic interpolation of d around its minimum.
    const left = d[m - 1];
    const mid = d[m];
    const right = m + 1 <= last ? d[m + 1] : mid;
    const curve = left - 2 * mid + right;
    let shift = curve > 0 ? (0.5 * (left - right)) / curve : 0;
    if (shift > 1) shift = 1;
    else if (shift < -1) shift = -1;
    return { frequency: sampleRate / (m + shift), clarity, rms };
  }
}

function clamp01(v) {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

registerProcessor("mirubato-pitch", MirubatoPitchProcessor);
