// The demo page's wiring. An external module (no inline script), so the page keeps a strict CSP.
const HUB_MODEL =
  'https://tfhub.dev/google/tfjs-model/imagenet/inception_v1/classification/3/default/1';
const SHAPES = { model: 'models/shapes/model.json', labels: 'models/shapes/labels.json' };

/** Whether the default model's model.json can be fetched from this browser, within 8 s. */
async function hubReachable() {
  try {
    const response = await fetch(`${HUB_MODEL}/model.json?tfjs-format=file`, {
      signal: AbortSignal.timeout(8000),
    });
    return response.ok ? { ok: true } : { ok: false, why: `it answered ${response.status}` };
  } catch (error) {
    return { ok: false, why: error.name === 'TimeoutError' ? 'it did not answer' : 'no network' };
  }
}

// The bundled model's demo images; images/shapes/index.json, when present, lists others.
const SHAPE_IMAGES = [
  { file: 'star.png', label: 'star' },
  { file: 'heart.png', label: 'heart' },
  { file: 'cross.png', label: 'cross' },
];

async function shapeImages() {
  const response = await fetch('images/shapes/index.json').catch(() => null);
  return response?.ok ? response.json() : SHAPE_IMAGES;
}

function useShapesModel(el) {
  el.modelUrl = SHAPES.model;
  el.labelsUrl = SHAPES.labels;
}

const status = document.getElementById('hub-status');
const photos = [...document.querySelectorAll('#photos ig-explainer')];
const playground = document.getElementById('playground-element');
const imageSelect = document.getElementById('playground-image');

const [hub, shapes, SAVED] = await Promise.all([hubReachable(), shapeImages(), savedIndex()]);

for (const { file, label } of shapes) {
  const el = document.createElement('ig-explainer');
  useShapesModel(el);
  el.src = `images/shapes/${file}`;
  el.title = `A ${label}`;
  document.getElementById('shapes').append(el);
}

const choices = hub.ok ? photos.map((el) => ({ src: el.getAttribute('src'), shapes: false })) : [];
choices.push(...shapes.map(({ file }) => ({ src: `images/shapes/${file}`, shapes: true })));
for (const [i, choice] of choices.entries()) {
  imageSelect.add(new Option(choice.src.split('/').pop(), String(i)));
}

function showChoice() {
  const choice = choices[Number(imageSelect.value)];
  if (!choice) return;
  if (choice.shapes) useShapesModel(playground);
  else {
    playground.modelUrl = null;
    playground.labelsUrl = null;
  }
  playground.src = choice.src;
}
imageSelect.addEventListener('change', showChoice);
document.getElementById('playground-colormap').addEventListener('change', (event) => {
  playground.colormap = event.target.value;
});
document.getElementById('playground-polarity').addEventListener('change', (event) => {
  playground.polarity = event.target.value;
});
showChoice();

/**
 * Saved explanations of the photographs (`result-src`), made by `node scripts/make-demo-saved.mjs`:
 * saved/index.json maps each photograph's src to its file, and the section shows them at once,
 * with no model and no network. `?saved=<index URL>` reads another index.
 */
async function savedIndex() {
  const index = new URL(
    new URLSearchParams(location.search).get('saved') ?? 'saved/index.json',
    location.href,
  );
  const response = await fetch(index).catch(() => null);
  if (!response?.ok) return {};
  const files = await response.json().catch(() => ({}));
  return Object.fromEntries(
    Object.entries(files).map(([src, file]) => [src, new URL(file, index).href]),
  );
}

/** Shows each photograph's saved explanation where there is one; true when all have one. */
function showSaved() {
  const saved = photos.filter((el) => SAVED[el.getAttribute('src')] && 'resultSrc' in el);
  for (const el of saved) el.resultSrc = SAVED[el.getAttribute('src')];
  return saved.length > 0 && saved.length === photos.length;
}

const retry = document.getElementById('hub-retry');
const hasSaved = showSaved();

/** Explains the photographs live with Inception V1, from TF Hub. */
function goLive() {
  retry.hidden = true;
  document.getElementById('photos').hidden = false;
  if (hasSaved) {
    status.textContent = 'TF Hub answered: each photo is being explained live with Inception V1.';
    for (const el of photos) el.explain().catch(() => {});
  } else {
    status.textContent =
      'TF Hub answered: each photo is explained with Inception V1 when it scrolls into view.';
    for (const el of photos) el.loading = 'lazy';
  }
}

function offline(why) {
  status.textContent = hasSaved
    ? `These are saved explanations, made with Inception V1; it could not be fetched from TF Hub ` +
      `now (${why}), so they are not recomputed here.`
    : `Inception V1 could not be fetched from TF Hub (${why}), so the photographs are not ` +
      'explained here; the shapes section above runs live with the model bundled with ' +
      'ig-explainer. To run Inception V1 without TF Hub, self-host it (see "Use it").';
  document.getElementById('photos').hidden = !hasSaved;
  retry.hidden = false;
}

/** With saved explanations and TF Hub in reach: they are shown, and the button recomputes. */
function savedWithHub() {
  status.textContent =
    'These are saved explanations, made with Inception V1: recompute them live in your browser.';
  retry.textContent = 'Recompute live with Inception V1';
  retry.hidden = false;
}

retry.addEventListener('click', async () => {
  retry.disabled = true;
  status.textContent = 'Checking whether TF Hub can be reached…';
  const again = await hubReachable();
  retry.disabled = false;
  if (again.ok) goLive();
  else offline(again.why);
});

if (hub.ok && hasSaved) savedWithHub();
else if (hub.ok) goLive();
else offline(hub.why);
