/* mlpkit playground page: draws the frames the server sends and sends back the user's
 * settings. No training happens here: the network is mlpkit's, in Python.
 *
 * State lives in the URL hash with TensorFlow Playground's keys (its src/state.ts), so
 * its shared links open here: activation=relu|tanh|sigmoid|linear, networkShape=4,2,
 * learningRate, regularization=none|L1|L2, regularizationRate, problem, dataset,
 * regDataset, noise, percTrainData, batchSize, seed, x, y, xTimesY, xSquared, ySquared,
 * sinX, sinY, cosX, cosY, showTestData, discretize. mlpkit adds optimizer, schedule,
 * loss, dropout, activations (one per layer), classes, nSamples, stopEpochs, stopLoss.
 */
"use strict";

const FEATURES = [
  ["x", "x\u2081"], ["y", "x\u2082"], ["xSquared", "x\u2081\u00b2"], ["ySquared", "x\u2082\u00b2"],
  ["xTimesY", "x\u2081x\u2082"], ["sinX", "sin(x\u2081)"], ["sinY", "sin(x\u2082)"],
  ["cosX", "cos(x\u2081)"], ["cosY", "cos(x\u2082)"],
];
const DATASET_NAMES = {
  circle: "Circle", xor: "Exclusive or", gauss: "Gaussian", spiral: "Spiral",
  rings: "Rings (lectures)", banana: "Banana / Rosenbrock (lectures)",
  checkerboard: "Checkerboard (lectures)", spirals: "Spirals (lectures)",
  blobs: "Blobs, 2-6 classes", custom: "Your data (upload / clicks)",
  "reg-plane": "Plane", "reg-gauss": "Multi Gaussian", "reg-rosenbrock": "Rosenbrock (lectures)",
  "reg-bumps": "Bumps (lectures)",
};
const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
// TensorFlow Playground's activation names -> mlpkit's.
const TF_ACTIVATIONS = { sigmoid: "logistic", linear: "identity" };
const DEFAULTS = {
  dataset: "circle", regDataset: "reg-plane", problem: "classification", noise: 0,
  percTrainData: 50, batchSize: 10, nSamples: 500, classes: 3, learningRate: 0.03,
  activation: "tanh", activations: null, networkShape: [4, 2], regularization: "none",
  regularizationRate: 0, optimizer: "sgd", schedule: "none", dropout: 0, loss: "auto",
  seed: 0, stopEpochs: 0, stopLoss: 0, x: true, y: true, xSquared: false, ySquared: false,
  xTimesY: false, sinX: false, sinY: false, cosX: false, cosY: false, discretize: false,
  showTestData: false, showRegions: false,
};
const NUMBER_KEYS = ["noise", "percTrainData", "batchSize", "nSamples", "classes", "learningRate",
  "regularizationRate", "dropout", "stopEpochs", "stopLoss"];
const BOOL_KEYS = FEATURES.map((f) => f[0]).concat(["discretize", "showTestData", "showRegions"]);

// One click from each lecture claim the playground can show. `#preset=<id>` in a URL
// opens it (links from `mlpkit reproduce`'s report can point here).
const PRESETS = {
  "rings-width-2": {
    name: "Rings: width 2 is not enough",
    hash: "dataset=rings&networkShape=2,2,2&activation=tanh&optimizer=adam&learningRate=0.03&seed=0",
    caption: 'Lectures: L3 "Topology and Classification". No network whose layers all have at most 2 units can separate the disc from the ring around it: however long it trains, the decision region stays connected to the outside. Press play, then compare with the width-3 preset.',
  },
  "rings-width-3": {
    name: "Rings: width 3 separates",
    hash: "dataset=rings&networkShape=3&activation=tanh&optimizer=adam&learningRate=0.03&seed=0",
    caption: 'Lectures: L3 "Topology and Classification". One hidden layer of 3 units lifts the plane into 3-D, where a plane cuts the disc off from the ring: the test loss falls towards 0.',
  },
  "convex-regions": {
    name: "Convex polygons (3 ReLU units)",
    hash: "dataset=xor&networkShape=3&activation=relu&optimizer=adam&learningRate=0.03&showRegions=true&seed=1",
    caption: 'Lectures: L0 "Convex polygons". Each of the 3 ReLU units cuts the plane along a line; the linear regions (outlined) are convex polygons, at most 7 (Zaslavsky\'s bound, shown beside the count).',
  },
  "deep-vs-shallow": {
    name: "Deep vs shallow: regions",
    hash: "dataset=spiral&networkShape=6,6,6&activation=relu&optimizer=adam&learningRate=0.01&showRegions=true&seed=2",
    caption: 'Lectures: L2 "Depth efficiency of neural networks". Three layers of 6 ReLU units make far more linear regions than one layer of 18 (at most 172 for one layer): compare the count with networkShape=18.',
  },
  "vanishing": {
    name: "Vanishing gradients (8 sigmoid layers)",
    hash: "dataset=circle&networkShape=8,8,8,8,8,8,8,8&activation=logistic&optimizer=sgd&learningRate=0.1&seed=0",
    caption: 'Lectures: L4 "Vanishing and Exploding Gradients". With 8 sigmoid layers the gradient norm (bars under the loss chart) shrinks by orders of magnitude towards layer 1, and training stalls. Switch the activation to relu and reset.',
  },
  "weight-decay": {
    name: "Weight decay",
    hash: "dataset=circle&noise=35&networkShape=16,16&activation=relu&optimizer=adam&learningRate=0.01&regularization=L2&regularizationRate=0.01&showTestData=true&seed=4",
    caption: 'Lectures: L4 "Weight Decay". E(w) + λ‖w‖² keeps the weights small and the boundary smooth on noisy data; set the rate to 0 and reset to see the boundary chase the noise and the test loss rise.',
  },
  "mini-batches": {
    name: "Mini-batch noise",
    hash: "dataset=spiral&networkShape=8,8&activation=tanh&optimizer=sgd&learningRate=0.03&batchSize=1&seed=5",
    caption: 'Lectures: L4 "Training the Network". With batches of 1 the loss decreases over time but not monotonically; move the batch size to 30 and the curve smooths.',
  },
  "banana": {
    name: "Rosenbrock banana",
    hash: "dataset=banana&networkShape=4&activation=tanh&optimizer=adam&learningRate=0.03&seed=0",
    caption: 'Lectures: L4 "Rosenbrock using a MLP". Logistic regression (no hidden layer) fails on the curved band; a handful of hidden units fit it.',
  },
  "checkerboard": {
    name: "Checkerboard",
    hash: "dataset=checkerboard&networkShape=10&activation=relu&optimizer=adam&learningRate=0.03&nSamples=1000&seed=0",
    caption: 'Lectures: L4 "Checker Board using AdaBoost". No single hyperplane beats chance on the checkerboard; one hidden layer of 10 units, trained together, solves it.',
  },
};
// Colours: TensorFlow Playground's orange (-1) / white / blue (+1), then more classes.
const NEG = [245, 147, 34], MID = [232, 234, 235], POS = [8, 119, 189];
const CLASS_COLOURS = [NEG, POS, [46, 160, 67], [155, 89, 182], [192, 57, 43], [90, 90, 90]];

const $ = (id) => document.getElementById(id);
const pg = {            // everything a test may read: window.playground
  state: null, session: null, frame: null, frames: 0, history: [], run: -1, errors: [],
  shape: null, data: null, hover: null, choices: null,
};
window.playground = pg;

/* ------------------------------------------------------------------ URL hash */
function seedFromString(s) {
  // An integer stays itself; TensorFlow Playground's "0.12345"-style seeds are hashed
  // (FNV-1a) to an integer, so its links always open with the same data here.
  if (/^\d+$/.test(s)) return Math.min(parseInt(s, 10), 2147483647);
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
  return h % 2147483647;
}

function parseHash(hash) {
  const state = JSON.parse(JSON.stringify(DEFAULTS));
  const ignored = [];
  for (const kv of hash.replace(/^#/, "").split("&")) {
    if (!kv) continue;
    const i = kv.indexOf("=");
    const key = i < 0 ? kv : kv.slice(0, i);
    const value = decodeURIComponent(i < 0 ? "" : kv.slice(i + 1));
    if (value.trim() === "" && key !== "networkShape") continue;
    if (key === "preset" && PRESETS[value]) {
      Object.assign(state, parseHash(PRESETS[value].hash));
      pg.caption = PRESETS[value].caption;
      continue;
    }
    if (NUMBER_KEYS.includes(key)) state[key] = +value;
    else if (BOOL_KEYS.includes(key)) state[key] = value !== "false";
    else if (key === "networkShape") state[key] = value.trim() === "" ? [] : value.split(",").map(Number);
    else if (key === "activations") state[key] = value.split(",").map((a) => TF_ACTIVATIONS[a] || a);
    else if (key === "activation") state[key] = TF_ACTIVATIONS[value] || value;
    else if (key === "seed") state[key] = seedFromString(value);
    else if (key in DEFAULTS) state[key] = value;
    else ignored.push(key);  // TensorFlow Playground's UI-only keys (tutorial, *_hide, ...)
  }
  return state;
}

function serializeHash(state) {
  const parts = [];
  for (const key of Object.keys(DEFAULTS)) {
    let v = state[key];
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) v = v.join(",");
    parts.push(`${key}=${v}`);
  }
  return "#" + parts.join("&");
}

/* ------------------------------------------------------------------ socket */
let ws = null;
function send(msg) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(msg)); }
function sendSettings(update) {
  Object.assign(pg.state, update);
  history.replaceState(null, "", serializeHash(pg.state));
  send({ type: "settings", settings: update });
}

function connect() {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  ws = new WebSocket(`${proto}://${location.host}/ws`);
  ws.onmessage = (ev) => onMessage(JSON.parse(ev.data));
  ws.onclose = () => { if (!pg.full) setStatus("disconnected: reload the page", true); };
}

function onMessage(m) {
  if (m.type === "hello") {
    pg.session = m.session; pg.choices = m.choices;
    buildChoices(m.choices);
    for (const k of ["model", "script", "onnx"]) $("export-" + k).href = `/export/${m.session}/${k}`;
    const s = {};
    for (const k of Object.keys(DEFAULTS)) s[k] = pg.state[k];
    send({ type: "settings", settings: s });
  } else if (m.type === "frame") {
    onFrame(m);
  } else if (m.type === "error") {
    showError(m.message);
  } else if (m.type === "full") {
    pg.full = true;
    document.open(); document.write(m.message); document.close();
  }
}

function showError(text) {
  pg.errors.push(text);
  const el = $("message");
  el.textContent = text; el.hidden = false;
  clearTimeout(showError.t);
  showError.t = setTimeout(() => { el.hidden = true; }, 10000);
}

function setStatus(text, bad) {
  const el = $("status");
  el.textContent = text; el.className = "status" + (bad ? " diverged" : "");
}

/* ------------------------------------------------------------------ controls */
function fillSelect(el, values, label) {
  el.innerHTML = "";
  for (const v of values) {
    const o = document.createElement("option");
    o.value = String(v); o.textContent = label ? label(v) : String(v);
    el.appendChild(o);
  }
}

function ensureOption(el, v) {
  if (![...el.options].some((o) => o.value === String(v))) {
    const o = document.createElement("option"); o.value = String(v); o.textContent = String(v);
    el.appendChild(o);
  }
  el.value = String(v);
}

function buildChoices(choices) {
  fillSelect($("activation"), choices.activations);
  fillSelect($("dataset"), choices.dataset, (v) => DATASET_NAMES[v] || v);
  fillSelect($("regDataset"), choices.regDataset, (v) => DATASET_NAMES[v] || v);
  syncControls(pg.state);
}

function syncControls(s) {
  for (const k of ["activation", "regularization", "problem", "optimizer", "schedule", "loss",
    "dataset", "regDataset"]) ensureOption($(k), s[k]);
  ensureOption($("learningRate"), s.learningRate);
  ensureOption($("regularizationRate"), s.regularizationRate);
  for (const k of ["percTrainData", "noise", "batchSize", "nSamples", "classes", "dropout"]) {
    $(k).value = s[k]; $(k + "-v").textContent = s[k];
  }
  for (const k of ["seed", "stopEpochs", "stopLoss"]) if (document.activeElement !== $(k)) $(k).value = s[k];
  $("showTestData").checked = s.showTestData; $("discretize").checked = s.discretize;
  $("showRegions").checked = s.showRegions;
  const reg = s.problem === "regression";
  $("dataset").hidden = reg; $("regDataset").hidden = !reg;
  $("classes-row").hidden = reg || s.dataset !== "blobs";
  $("n-layers").textContent = s.networkShape.length;
}

function showCaption() {
  const el = $("caption");
  el.textContent = pg.caption || ""; el.hidden = !pg.caption;
}

function wireControls() {
  fillSelect($("preset"), ["", ...Object.keys(PRESETS)], (v) => (v ? PRESETS[v].name : "(choose a claim)"));
  $("preset").addEventListener("change", () => {
    const id = $("preset").value;
    if (id) location.hash = "preset=" + id;  // hashchange applies it
  });
  fillSelect($("learningRate"), LEARNING_RATES);
  fillSelect($("regularizationRate"), REG_RATES);
  for (const k of ["activation", "regularization", "problem", "optimizer", "schedule", "loss",
    "dataset", "regDataset"]) {
    $(k).addEventListener("change", () => {
      const u = { [k]: $(k).value };
      if (k === "activation") u.activations = null;  // one activation for every layer
      sendSettings(u); syncControls(pg.state);
    });
  }
  for (const k of ["learningRate", "regularizationRate"]) {
    $(k).addEventListener("change", () => sendSettings({ [k]: +$(k).value }));
  }
  for (const k of ["percTrainData", "noise", "batchSize", "nSamples", "classes", "dropout"]) {
    $(k).addEventListener("input", () => { $(k + "-v").textContent = $(k).value; });
    $(k).addEventListener("change", () => sendSettings({ [k]: +$(k).value }));
  }
  for (const k of ["seed", "stopEpochs", "stopLoss"]) {
    $(k).addEventListener("change", () => {
      const v = +$(k).value;
      if (Number.isFinite(v)) sendSettings({ [k]: k === "stopLoss" ? v : Math.round(v) });
    });
  }
  for (const k of ["showTestData", "discretize", "showRegions"]) {
    $(k).addEventListener("change", () => { sendSettings({ [k]: $(k).checked }); drawHeat(); });
  }
  $("play").addEventListener("click", () => send({ type: pg.playing ? "pause" : "play" }));
  $("step").addEventListener("click", () => send({ type: "step" }));
  $("reset").addEventListener("click", () => send({ type: "reset" }));
  $("regenerate").addEventListener("click", () => send({ type: "regenerate" }));
  $("add-layer").addEventListener("click", () => changeShape((s) => s.length < 8 && s.push(2)));
  $("remove-layer").addEventListener("click", () => changeShape((s) => s.pop()));
  $("upload").addEventListener("change", () => {
    const f = $("upload").files[0];
    if (!f) return;
    if (f.size > 1000000) { showError(`The file is ${Math.round(f.size / 1000)} kB; at most 1000 kB.`); return; }
    f.text().then((text) => send({ type: "upload", csv: text }));
    $("upload").value = "";
  });
  $("heat-wrap").addEventListener("click", (ev) => {
    const r = $("heat").getBoundingClientRect();
    const x = ((ev.clientX - r.left) / r.width) * 12 - 6;
    const y = 6 - ((ev.clientY - r.top) / r.height) * 12;
    let label;
    if (pg.state.problem === "regression") label = ev.shiftKey ? -1 : 1;
    else label = ev.shiftKey ? 0 : +$("clickClass").value;
    send({ type: "point", x, y, label });
  });
  window.addEventListener("hashchange", () => {
    pg.caption = null;
    const s = parseHash(location.hash);
    showCaption();
    pg.state = s; syncControls(s); send({ type: "settings", settings: s });
  });
}

function changeShape(fn) {
  const shape = pg.state.networkShape.slice();
  fn(shape);
  const acts = pg.state.activations ? pg.state.activations.slice(0, shape.length) : null;
  sendSettings({ networkShape: shape, activations: acts });
  syncControls(pg.state);
}

/* ------------------------------------------------------------------ drawing helpers */
function b64bytes(s) {
  const bin = atob(s); const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function mix(a, b, t) { return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]; }
function diverging(v) { return v < 0 ? mix(MID, NEG, -v) : mix(MID, POS, v); }  // v in [-1, 1]

function paint(canvas, values, n, discretize) {
  // values: uint8, 0..255 meaning -1..1; n x n, row 0 at the top.
  const ctx = canvas.getContext("2d");
  if (canvas.width !== n) { canvas.width = n; canvas.height = n; }
  const img = ctx.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    let v = values[i] / 127.5 - 1;
    if (discretize) v = v >= 0 ? 1 : -1;
    const c = diverging(v);
    img.data[4 * i] = c[0]; img.data[4 * i + 1] = c[1]; img.data[4 * i + 2] = c[2]; img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/* ------------------------------------------------------------------ the network view */
const NODE = 40, COL = 110, TOP = 40, ROW = 52;
let netBuilt = "";

function nodePos(layer, i) { return { x: 60 + layer * COL, y: TOP + i * ROW }; }

function buildNet(frame) {
  const s = frame.settings;
  const key = JSON.stringify([frame.shape, s.networkShape, s.activations, s.activation,
    FEATURES.map((f) => s[f[0]])]);
  if (key === netBuilt) return;
  netBuilt = key;
  const net = $("net");
  for (const el of [...net.querySelectorAll(".node,.bias,.layer-head")]) el.remove();
  const svg = $("links");
  svg.innerHTML = "";
  const active = FEATURES.filter((f) => s[f[0]]);
  const layers = [FEATURES.length, ...s.networkShape, frame.shape[frame.shape.length - 1]];
  let maxRows = Math.max(...layers);
  net.style.height = (TOP + maxRows * ROW + 20) + "px";
  pg.nodes = [];
  // Input column: every feature, the inactive ones dimmed; a click toggles it.
  FEATURES.forEach(([key, label], i) => {
    const p = nodePos(0, i);
    const el = makeNode(p, `feature-${key}`, label);
    if (!s[key]) el.classList.add("off");
    el.title = `${label}: click to ${s[key] ? "remove" : "add"} this feature`;
    el.addEventListener("click", () => sendSettings({ [key]: !s[key] }));
    el.addEventListener("mouseenter", () => { pg.hover = { kind: "input", index: active.findIndex((f) => f[0] === key), label }; drawHeat(); });
    el.addEventListener("mouseleave", () => { pg.hover = null; drawHeat(); });
  });
  // Hidden layers: a head with +/- and the layer's activation, then the neurons.
  const acts = s.networkShape.map((_, k) => (s.activations && s.activations[k]) || s.activation);
  s.networkShape.forEach((width, k) => {
    const head = document.createElement("div");
    head.className = "layer-head";
    head.style.left = (nodePos(k + 1, 0).x - 25) + "px";
    head.style.top = "-4px";
    head.innerHTML = `<button class="plus" title="Add a neuron">+</button>` +
      `<button class="minus" title="Remove a neuron">\u2212</button> ${width} neuron${width > 1 ? "s" : ""}<br>`;
    const sel = document.createElement("select");
    sel.title = "This layer's activation";
    fillSelect(sel, pg.choices ? pg.choices.activations : [acts[k]]);
    sel.value = acts[k];
    sel.addEventListener("change", () => {
      const a = acts.slice(); a[k] = sel.value; sendSettings({ activations: a });
    });
    head.appendChild(sel);
    head.querySelector(".plus").addEventListener("click", () => changeShape((sh) => { if (sh[k] < 32) sh[k]++; }));
    head.querySelector(".minus").addEventListener("click", () => changeShape((sh) => { if (sh[k] > 1) sh[k]--; }));
    net.appendChild(head);
    for (let j = 0; j < width; j++) {
      const el = makeNode(nodePos(k + 1, j), `neuron-${k}-${j}`, "");
      el.addEventListener("mouseenter", () => { pg.hover = { kind: "neuron", layer: k, index: j, label: `layer ${k + 1}, neuron ${j + 1}` }; drawHeat(); });
      el.addEventListener("mouseleave", () => { pg.hover = null; drawHeat(); });
    }
  });
  // Links and biases (built once per shape; colour and width set every frame).
  const ns = "http://www.w3.org/2000/svg";
  pg.links = [];
  pg.biases = [];
  const nOut = frame.shape.length - 1;
  for (let k = 0; k < nOut; k++) {
    const srcIdx = k === 0 ? active.map((f) => FEATURES.findIndex((g) => g[0] === f[0])) : [...Array(frame.shape[k]).keys()];
    const nTo = frame.shape[k + 1];
    const toLayer = k + 1 === nOut ? s.networkShape.length + 1 : k + 1;
    for (let j = 0; j < nTo; j++) {
      const b = nodePos(toLayer, k + 1 === nOut ? 0 : j);
      srcIdx.forEach((row, i) => {
        const a = nodePos(k, row);
        const path = document.createElementNS(ns, "path");
        const x1 = a.x + NODE, y1 = a.y + NODE / 2, x2 = b.x, y2 = b.y + NODE / 2;
        const xm = (x1 + x2) / 2;
        path.setAttribute("d", `M${x1},${y1} C${xm},${y1} ${xm},${y2} ${x2},${y2}`);
        path.id = `link-${k}-${i}-${j}`;
        path.addEventListener("click", () => editWeight("weight", k, i, j));
        // The tooltip is filled on hover (updating hundreds of titles per frame is slow).
        const title = document.createElementNS(ns, "title");
        path.appendChild(title);
        path.addEventListener("mouseenter", () => {
          title.textContent = `weight ${pg.frame.weights[k][i][j]} (click to edit)`;
        });
        svg.appendChild(path);
        pg.links.push({ path, k, i, j });
      });
      const bias = document.createElement("div");
      bias.className = "bias"; bias.id = `bias-${k}-${j}`;
      bias.style.left = (b.x - 10) + "px"; bias.style.top = (b.y + NODE - 6) + "px";
      bias.addEventListener("click", () => editWeight("bias", k, 0, j));
      net.appendChild(bias);
      pg.biases.push({ el: bias, k, j });
    }
  }
  // The output node (its thumbnail is the heatmap itself).
  const outEl = makeNode(nodePos(s.networkShape.length + 1, 0), "output-node", "");
  outEl.title = "The output (shown large on the right)";
}

function makeNode(p, id, label) {
  const el = document.createElement("div");
  el.className = "node"; el.id = id;
  el.style.left = p.x + "px"; el.style.top = p.y + "px";
  const c = document.createElement("canvas"); c.width = 25; c.height = 25;
  el.appendChild(c);
  if (label) { const n = document.createElement("div"); n.className = "name"; n.textContent = label; el.appendChild(n); }
  $("net").appendChild(el);
  return el;
}

function editWeight(kind, k, i, j) {
  const f = pg.frame;
  if (!f) return;
  const cur = kind === "bias" ? f.biases[k][j] : f.weights[k][i][j];
  const text = window.prompt(`New value of this ${kind} (now ${cur}):`, String(cur));
  if (text === null) return;
  const value = Number(text);
  if (!Number.isFinite(value)) { showError(`"${text}" is not a number.`); return; }
  const msg = { type: "edit", kind, layer: k, to: j, value };
  if (kind === "weight") msg.from = i;
  send(msg);
}

function drawNet(frame) {
  buildNet(frame);
  const t = frame.thumb, size = t * t;
  const inputs = b64bytes(frame.inputs);
  const active = FEATURES.filter((f) => frame.settings[f[0]]);
  active.forEach((f, i) => {
    const c = $(`feature-${f[0]}`).querySelector("canvas");
    paint(c, inputs.subarray(i * size, (i + 1) * size), t, false);
  });
  const neurons = frame.neurons ? b64bytes(frame.neurons) : new Uint8Array(0);
  pg.neuronBytes = neurons; pg.inputBytes = inputs;
  let off = 0;
  frame.settings.networkShape.forEach((w, k) => {
    for (let j = 0; j < w; j++) {
      const el = $(`neuron-${k}-${j}`);
      if (el) paint(el.querySelector("canvas"), neurons.subarray(off, off + size), t, false);
      off += size;
    }
  });
  let maxW = 1e-9;
  for (const W of frame.weights) for (const row of W) for (const v of row) maxW = Math.max(maxW, Math.abs(v));
  for (const l of pg.links) {
    const w = frame.weights[l.k][l.i][l.j];
    // Restyle a link only when its drawn look changes (sign, or width in 0.25 px steps):
    // restyling hundreds of SVG paths every frame made the browser the bottleneck.
    const look = (w >= 0 ? 1 : -1) * Math.round(4 * (0.5 + 6 * Math.abs(w) / maxW));
    if (l.look === look) continue;
    l.look = look;
    const c = w >= 0 ? POS : NEG;
    l.path.style.stroke = `rgb(${c[0]},${c[1]},${c[2]})`;
    l.path.style.strokeWidth = String(Math.abs(look) / 4);

  }
  for (const b of pg.biases) {
    const v = frame.biases[b.k][b.j];
    const c = diverging(Math.max(-1, Math.min(1, v)));
    b.el.style.background = `rgb(${c[0]},${c[1]},${c[2]})`;
    b.el.title = `bias ${v} (click to edit)`;
  }
}

/* ------------------------------------------------------------------ output, chart */
function drawHeat() {
  const f = pg.frame;
  if (!f) return;
  const canvas = $("heat");
  const ctx = canvas.getContext("2d");
  const n = f.grid;
  const off = document.createElement("canvas");
  const label = $("heat-label");
  if (pg.hover) {
    const t = f.thumb, size = t * t;
    let bytes;
    if (pg.hover.kind === "input") bytes = pg.inputBytes.subarray(pg.hover.index * size, (pg.hover.index + 1) * size);
    else {
      let idx = 0;
      for (let k = 0; k < pg.hover.layer; k++) idx += f.settings.networkShape[k];
      idx += pg.hover.index;
      bytes = pg.neuronBytes.subarray(idx * size, (idx + 1) * size);
    }
    paint(off, bytes, t, false);
    label.textContent = pg.hover.label;
  } else {
    label.textContent = "";
    const heat = b64bytes(f.heat);
    const disc = pg.state.discretize;
    if (f.heat_kind === "classes") {
      const conf = b64bytes(f.heat2), k = f.n_classes;
      off.width = n; off.height = n;
      const octx = off.getContext("2d"), img = octx.createImageData(n, n);
      for (let i = 0; i < n * n; i++) {
        const t = disc ? 1 : Math.max(0, (conf[i] / 255 - 1 / k) / (1 - 1 / k));
        const c = mix(MID, CLASS_COLOURS[heat[i] % CLASS_COLOURS.length], 0.25 + 0.75 * t);
        img.data.set([c[0], c[1], c[2], 255], 4 * i);
      }
      octx.putImageData(img, 0, 0);
    } else {
      paint(off, heat, n, disc);
    }
  }
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
  const outNode = $("output-node");
  if (outNode && !pg.hover) {
    const oc = outNode.querySelector("canvas");
    oc.getContext("2d").drawImage(off, 0, 0, oc.width, oc.height);
  }
  drawPoints(ctx, canvas.width);
  if (!pg.hover) drawRegions(ctx, canvas.width);
}

function drawRegions(ctx, W) {
  const r = pg.frame.regions, info = $("regions-info");
  if (!pg.state.showRegions || !r) { info.textContent = ""; return; }
  let text = r.note || "";
  if (r.count !== undefined) text = `linear regions: ${r.count.toLocaleString("en")}` + (r.note ? ` (${r.note})` : "");
  if (r.bound_shallow) text += ` · bound for one layer of ${pg.frame.settings.networkShape[0]} (Zaslavsky): ${BigInt(r.bound_shallow).toLocaleString("en")}`;
  if (r.bound_deep) text += ` · deep bound (Montúfar et al.): ${BigInt(r.bound_deep).toLocaleString("en")}`;
  info.textContent = text;
  pg.regionCount = r.count === undefined ? null : r.count;
  if (!r.polygons) return;
  ctx.save();
  ctx.lineWidth = 0.7; ctx.strokeStyle = "rgba(0,0,0,0.55)";
  r.polygons.forEach((poly, i) => {
    ctx.beginPath();
    poly.forEach(([x, y], j) => {
      const px = ((x + 6) / 12) * W, py = ((6 - y) / 12) * W;
      if (j) ctx.lineTo(px, py); else ctx.moveTo(px, py);
    });
    ctx.closePath();
    ctx.fillStyle = `hsla(${(i * 137.5) % 360}, 60%, 50%, 0.12)`;
    ctx.fill(); ctx.stroke();
  });
  ctx.restore();
}

function drawGradients(f) {
  const g = f.gradients, el = $("gradients");
  if (!g) { el.innerHTML = ""; return; }
  const rows = ["<div class='small'>gradient norm per layer (log scale)</div>"];
  g.weight_grad.forEach((v, k) => {
    const lg = v === null || v <= 0 ? -10 : Math.log10(v);
    const w = Math.max(1, Math.min(180, ((lg + 10) / 11) * 180));
    let extra = "";
    if (k < g.dead.length && g.dead[k] > 0) extra += ` dead ${Math.round(100 * g.dead[k])}%`;
    if (k < g.saturated.length && g.saturated[k] > 0) extra += ` saturated ${Math.round(100 * g.saturated[k])}%`;
    const name = k < g.weight_grad.length - 1 ? `layer ${k + 1}` : "output";
    rows.push(`<div class="row"><span class="lbl">${name}</span><span class="bar" style="width:${w}px"></span>` +
      `<span class="val">${v === null ? "\u2013" : v.toExponential(1)}${extra}</span></div>`);
  });
  el.innerHTML = rows.join("");
}

function pointColour(y) {
  if (pg.frame.n_classes) return CLASS_COLOURS[y % CLASS_COLOURS.length];
  return diverging(Math.max(-1, Math.min(1, y)));
}

function drawPoints(ctx, W) {
  const d = pg.data;
  if (!d) return;
  const sets = [[d.train, d.train_y, "#fff"]];
  if (pg.state.showTestData) sets.push([d.test, d.test_y, "#000"]);
  for (const [X, Y, stroke] of sets) {
    for (let i = 0; i < X.length; i++) {
      const px = ((X[i][0] + 6) / 12) * W, py = ((6 - X[i][1]) / 12) * W;
      const c = pointColour(Y[i]);
      ctx.beginPath(); ctx.arc(px, py, 3, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`; ctx.fill();
      ctx.lineWidth = 1; ctx.strokeStyle = stroke; ctx.stroke();
    }
  }
}

function drawLegend() {
  const c = $("legend"), ctx = c.getContext("2d");
  for (let x = 0; x < c.width; x++) {
    const col = diverging((x / (c.width - 1)) * 2 - 1);
    ctx.fillStyle = `rgb(${col[0]},${col[1]},${col[2]})`; ctx.fillRect(x, 0, 1, c.height);
  }
}

function drawChart() {
  const c = $("chart"), ctx = c.getContext("2d");
  ctx.clearRect(0, 0, c.width, c.height);
  const h = pg.history;
  if (h.length < 2) return;
  let max = 1e-9;
  for (const p of h) for (const v of [p[1], p[2]]) if (v !== null && v > max) max = v;
  const x0 = h[0][0], x1 = h[h.length - 1][0] || 1;
  for (const [idx, colour] of [[1, "#999"], [2, "#000"]]) {
    ctx.beginPath(); ctx.strokeStyle = colour; ctx.lineWidth = 1.5;
    let started = false;
    for (const p of h) {
      if (p[idx] === null) continue;
      const x = ((p[0] - x0) / Math.max(1, x1 - x0)) * (c.width - 2) + 1;
      const y = c.height - 2 - (p[idx] / max) * (c.height - 4);
      if (started) ctx.lineTo(x, y); else { ctx.moveTo(x, y); started = true; }
    }
    ctx.stroke();
  }
}

function fmt(v, digits) { return v === null || v === undefined ? "\u2013" : v.toFixed(digits); }

/* ------------------------------------------------------------------ a frame */
function unpackParams(f) {
  // float32 [W_0 row-major, b_0, W_1, b_1, ...] -> f.weights[k][i][j], f.biases[k][j]
  const bytes = b64bytes(f.params);
  const v = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  f.weights = []; f.biases = [];
  let o = 0;
  for (let k = 0; k + 1 < f.shape.length; k++) {
    const n = f.shape[k], m = f.shape[k + 1], W = [];
    for (let i = 0; i < n; i++) { W.push(Array.from(v.subarray(o, o + m))); o += m; }
    f.weights.push(W); f.biases.push(Array.from(v.subarray(o, o + m))); o += m;
  }
}

function onFrame(f) {
  pg.frames += 1;
  unpackParams(f);
  if (f.run !== pg.run) { pg.run = f.run; pg.history = []; }
  if (f.full_history) pg.history = f.full_history.slice();
  else for (const p of f.history) {
    const last = pg.history[pg.history.length - 1];
    if (!last || last[0] !== p[0]) pg.history.push(p);
  }
  if (f.data) pg.data = f.data;
  const changed = JSON.stringify(f.settings) !== JSON.stringify(pg.serverSettings);
  pg.serverSettings = f.settings;
  if (changed) {
    // The server's settings are the truth (it may have changed the seed or the data set).
    for (const k of Object.keys(DEFAULTS)) {
      if (k !== "discretize" && k !== "showTestData") pg.state[k] = f.settings[k];
    }
    history.replaceState(null, "", serializeHash(pg.state));
    syncControls(pg.state);
  }
  pg.frame = f;
  pg.playing = f.status === "playing";
  $("play").innerHTML = pg.playing ? "&#10074;&#10074;" : "&#9654;";
  $("play").classList.toggle("playing", pg.playing);
  requestAnimationFrame(() => {
    drawNet(f);
    drawHeat();
    drawChart();
    drawGradients(f);
    const last = pg.history[pg.history.length - 1] || [0, null, null, null, null];
    $("epoch").textContent = String(f.epoch).padStart(6, "0").replace(/(\d{3})(\d{3})$/, "$1,$2");
    $("loss-train").textContent = fmt(last[1], 3); $("loss-test").textContent = fmt(last[2], 3);
    $("acc-train").textContent = fmt(last[3], 3); $("acc-test").textContent = fmt(last[4], 3);
    for (const el of document.querySelectorAll(".metric-name")) el.textContent = f.metric;
    const clickClass = $("clickClass");
    const k = Math.max(2, f.n_classes);
    if (clickClass.options.length !== k) fillSelect(clickClass, [...Array(k).keys()].reverse());
    setStatus(f.status === "diverged" ? "diverged: " + (f.message || "") : f.status, f.status === "diverged");
    send({ type: "ack" });  // back-pressure: the next frame comes after this one is drawn
  });
}

/* ------------------------------------------------------------------ start */
pg.state = parseHash(location.hash);
showCaption();
wireControls();
drawLegend();
syncControls(pg.state);
connect();
