// Type-level test (npm run typecheck): <ig-explainer> in React 19 TSX and the @lit/react wrapper
// of `ig-explainer/react`. Each @ts-expect-error line must fail to type-check, or tsc complains.
import { IgExplainer } from '../../src/react.js';
import type { IgResult } from '../../src/index.js';

export function Native({ onDone }: { onDone: (result: IgResult) => void }) {
  return (
    <>
      <ig-explainer
        src="cat.jpg"
        model-url="/models/inception_v1/model.json"
        steps={64}
        method="gausslegendre"
        loading="manual"
        controls
        onig-complete={(event) => onDone(event.detail)}
        onig-error={(event) => console.log(event.detail.code, event.detail.attribute)}
      />
      {/* @ts-expect-error: not a method of the contract */}
      <ig-explainer method="simpson" />
      {/* @ts-expect-error: not a colormap */}
      <ig-explainer colormap="jet" />
      {/* @ts-expect-error: ig-progress carries no result */}
      <ig-explainer onig-progress={(event) => onDone(event.detail)} />
    </>
  );
}

export function Wrapped({ onDone }: { onDone: (result: IgResult) => void }) {
  return (
    <>
      <IgExplainer
        src="cat.jpg"
        modelUrl="/models/inception_v1/model.json"
        steps={64}
        baseline="blur"
        onIgComplete={(event) => onDone(event.detail)}
        onIgProgress={(event) => console.log(event.detail.fraction)}
      />
      {/* @ts-expect-error: steps is a number property */}
      <IgExplainer steps="many" />
    </>
  );
}
