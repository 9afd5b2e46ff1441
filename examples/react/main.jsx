// <ig-explainer> in React 19 (the element itself: React 19 sets its properties and listens to its
// ig-* events) and through the @lit/react wrapper of `ig-explainer/react` (for React 18 and older).
// The page's query may override the image, model, labels and steps (the tests use a tiny model).
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import 'ig-explainer';
import { IgExplainer } from 'ig-explainer/react';

const query = new URLSearchParams(location.search);
const src = query.get('src') ?? '/demo/images/shapes/star.png';
const model = query.get('model') ?? '/demo/models/shapes/model.json';
const labels = query.get('labels') ?? '/demo/models/shapes/labels.json';
const steps = Number(query.get('steps') ?? 32);

function Outcome({ id, result, error }) {
  const text = error
    ? `Failed (${error.code}): ${error.message}`
    : result
      ? `Explained “${result.target.label}” in a ${result.thread} with ${result.backend}.`
      : 'Explaining…';
  return (
    <p id={id} data-done={result ? 'true' : error ? 'error' : 'false'}>
      {text}
    </p>
  );
}

function App() {
  const [native, setNative] = useState({});
  const [wrapped, setWrapped] = useState({});
  return (
    <main>
      <h1>ig-explainer in React</h1>
      <h2>React 19: the element itself</h2>
      <ig-explainer
        id="native"
        src={src}
        model-url={model}
        labels-url={labels}
        steps={steps}
        loading="eager"
        onig-complete={(event) => setNative({ result: event.detail })}
        onig-error={(event) => setNative({ error: event.detail })}
      />
      <Outcome id="native-outcome" {...native} />
      <h2>React 18 and older: the @lit/react wrapper</h2>
      <IgExplainer
        id="wrapped"
        src={src}
        modelUrl={model}
        labelsUrl={labels}
        steps={steps}
        loading="eager"
        colormap="viridis"
        onIgComplete={(event) => setWrapped({ result: event.detail })}
        onIgError={(event) => setWrapped({ error: event.detail })}
      />
      <Outcome id="wrapped-outcome" {...wrapped} />
    </main>
  );
}

createRoot(document.getElementById('root')).render(<App />);
