// The app both bundlers build (scripts/bundler-apps.mjs): the package as an app installs it,
// the shapes model from the app's own folder, backend="auto". It records what the element
// reported on <output id="outcome">, for test/bundle/bundler-apps.test.ts.
import 'ig-explainer';

const outcome = document.getElementById('outcome');
const el = document.createElement('ig-explainer');
el.setAttribute('model-url', 'models/shapes/model.json');
el.setAttribute('labels-url', 'models/shapes/labels.json');
el.setAttribute('backend', 'auto');
el.setAttribute('steps', '8');
el.setAttribute('src', 'star.png');
el.addEventListener('ig-model-load', (event) => {
  outcome.dataset.modelLoad = JSON.stringify(event.detail);
});
el.addEventListener('ig-complete', () => {
  outcome.dataset.done = 'true';
  outcome.textContent = `explained: ${el.result.target.label}`;
});
el.addEventListener('ig-error', (event) => {
  outcome.dataset.done = 'error';
  outcome.textContent = `${event.detail.code}: ${event.detail.message}`;
});
document.body.append(el);
